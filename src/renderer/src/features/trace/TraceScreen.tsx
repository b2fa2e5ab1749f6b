import { useCallback, useEffect, useMemo, useState } from 'react';
import type { EventSubscribe, WorkbenchApi } from '../../../../shared/rpc/contract';
import { descendantsOf } from '../../../../shared/model/runLineage';
import { timelineOrigins } from '../../../../shared/model/timeAxis';
import type { EventKind } from '../../../../shared/trace/types';
import { ATR } from '../../../../shared/errors';
import { RunNotFound } from '../../app/RunNotFound';
import type { Navigate } from '../../app/useHashRoute';
import { Placeholder } from '../../components/Placeholder';
import { SplitPane } from '../../components/SplitPane';
import { ActionsBar } from '../actions/ActionsBar';
import { errorText } from '../format';
import { ComparePanel } from '../actions/ComparePanel';
import { isEditable } from '../actions/editDraft';
import { EditForkPanel } from '../actions/EditForkPanel';
import { useActions, useStepKind } from '../actions/useActions';
import { BranchGraph, graphPaneHeight } from '../branchGraph/BranchGraph';
import { useToolLinks } from '../chatView/useToolLinks';
import { useOpenOnError } from '../errorPanel/useOpenOnError';
import { StateInspector } from '../stateInspector/StateInspector';
import { useInspector, type InspectorTab } from '../stateInspector/useInspector';
import { Timeline } from '../timeline/Timeline';
import { useTimeline } from '../timeline/useTimeline';
import { FailureBanner, isFixable } from './FailureBanner';
import { RunHeader } from './RunHeader';
import { useRunDetail, useRunTree } from './useRunData';
import './TraceScreen.css';

interface Props {
  api: WorkbenchApi;
  subscribe: EventSubscribe;
  runId: string;
  step?: number;
  /** Open the compare view against this run (the fix review screen's "Compare"). */
  compare?: string;
  navigate: Navigate;
}

/** The Trace screen: timeline on the left; branch graph above the state inspector on the right. */
export function TraceScreen({ api, subscribe, runId, step, compare, navigate }: Props): React.JSX.Element {
  const [kinds, setKinds] = useState<EventKind[] | undefined>(undefined);
  const [tab, setTab] = useState<InspectorTab>('event');
  const [filePath, setFilePath] = useState<string | undefined>(undefined);
  const run = useRunDetail(api, subscribe, runId);
  const rootId = run.status === 'ready' ? run.value.rootId : undefined;
  const tree = useRunTree(api, subscribe, runId, rootId);
  const timeline = useTimeline(api, subscribe, runId, kinds);
  // A run still recording: each progress report reloads the selected step (showing the current one meanwhile), and
  // the report of its end changes the key once more, so the final state is loaded too. A finished run reloads when
  // its stored events change (its revision: e.g. the locals at its error, read by replay after it ended).
  const detail = run.status === 'ready' ? run.value : run.status === 'loading' ? run.stale : undefined;
  const live = detail?.status === 'running';
  const inspectorReload = live ? detail.steps + 1 : detail?.revision ? -detail.revision : 0;
  const inspector = useInspector(api, runId, step, tab, filePath, inspectorReload);
  const eventDetail = inspector.event.status === 'ready' ? inspector.event.value : undefined;
  const toolLinks = useToolLinks(api, runId, eventDetail);
  const actions = useActions(api, runId);
  const stepKind = useStepKind(api, runId, step);
  const { compareWith } = actions;
  useEffect(() => {
    if (compare) compareWith(compare);
  }, [compare, compareWith]);

  const deleteBranch = useCallback(
    (): Promise<string | undefined> =>
      api.deleteBranch({ runId, recursive: true }).then(
        (r) => (navigate({ screen: 'run', runId: r.parentId }), undefined),
        (e: unknown) => errorText(e),
      ),
    [api, runId, navigate],
  );
  const select = useCallback((seq: number) => navigate({ screen: 'run', runId, step: seq }, { replace: true }), [navigate, runId]);
  const search = useCallback((query: string) => api.searchEvents({ runId, query, limit: 200 }), [api, runId]);
  const openRun = useCallback((id: string) => navigate({ screen: 'run', runId: id, ...(step === undefined ? {} : { step }) }), [navigate, step]);
  const loadSource = useCallback((file: string) => api.getSource({ runId, file }), [api, runId]);
  // Opened for a comparison (the fix review's Compare), the compare view is what was asked for: no jump.
  useOpenOnError(api, run.status === 'ready' && !compare ? run.value : undefined, step, select);

  const treeRuns = useMemo(() => (tree.status === 'ready' ? tree.value.runs : tree.status === 'loading' ? (tree.stale?.runs ?? []) : []), [tree]);
  const runStart = detail?.startedAt ?? 0;
  // One time axis across forks: a branch's own steps continue from its last inherited one (never backwards).
  const startOf = useMemo(() => timelineOrigins(treeRuns, runId, timeline.rows, runStart), [treeRuns, runId, timeline.rows, runStart]);
  if (run.status === 'error') {
    if (run.code === ATR.NOT_FOUND) return <RunNotFound runId={runId} onBack={() => navigate({ screen: 'traces' })} />;
    return (
      <section className="trace-screen">
        <Placeholder kind="error">{run.message}</Placeholder>
      </section>
    );
  }
  return (
    <section className="trace-screen" aria-label="Trace">
      <RunHeader run={detail} onBack={() => navigate({ screen: 'traces' })} onOpenRun={openRun} />
      {detail && isFixable(detail) && (
        <FailureBanner run={detail} onSelectStep={select} onFix={() => navigate({ screen: 'fixStart', runId })} onOpenFix={(fixId) => navigate({ screen: 'fix', fixId })} />
      )}
      <ActionsBar
        replay={actions.replay}
        started={actions.started}
        exported={actions.exported}
        step={step}
        stepKind={stepKind}
        editable={isEditable(stepKind)}
        finished={detail !== undefined && detail.status !== 'pending' && detail.status !== 'running'}
        pending={detail?.status === 'pending'}
        onRunBranch={actions.runBranch}
        {...(detail?.parentId ? { branch: { below: descendantsOf(treeRuns, runId).length } } : {})}
        onDelete={deleteBranch}
        onReplay={actions.runReplay}
        onResume={actions.resumeFrom}
        onFork={actions.openFork}
        onCompare={actions.openCompare}
        onExport={actions.exportRun}
        onOpenRun={openRun}
      />
      {actions.panel.kind === 'fork' && <EditForkPanel fork={actions.panel.fork} onText={actions.setDraftText} onConfirm={actions.confirmFork} onCancel={actions.closePanel} />}
      {actions.panel.kind === 'compare' && (
        <ComparePanel
          runs={treeRuns}
          currentId={runId}
          otherId={actions.panel.otherId}
          diff={actions.panel.diff}
          onPick={actions.compareWith}
          onClose={actions.closePanel}
        />
      )}
      <div className="trace-body">
        <SplitPane
          direction="horizontal"
          storageKey="trace.timeline"
          initial={0.46}
          label="Resize timeline"
          first={<Timeline data={timeline} startOf={startOf} selectedSeq={step} onSelect={select} kinds={kinds} onKindsChange={setKinds} live={live} search={search} />}
          second={
            <SplitPane
              direction="vertical"
              storageKey="trace.graph"
              initial={0.36}
              label="Resize branch graph"
              maxFirstPx={graphPaneHeight(treeRuns)}
              first={
                tree.status === 'ready' || (tree.status === 'loading' && tree.stale) ? (
                  <BranchGraph runs={(tree.status === 'ready' ? tree.value : tree.stale)!.runs} currentId={runId} onOpenRun={openRun} />
                ) : tree.status === 'error' ? (
                  <Placeholder kind="error">{tree.message}</Placeholder>
                ) : (
                  <Placeholder kind="loading">Loading branches…</Placeholder>
                )
              }
              second={<StateInspector seq={step} tab={tab} onTab={setTab} data={inspector} filePath={filePath} onOpenFile={setFilePath} toolLinks={toolLinks} onSelectStep={select} loadSource={loadSource} />}
            />
          }
        />
      </div>
    </section>
  );
}
