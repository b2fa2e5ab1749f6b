import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FixReport } from '../../../../shared/afe/types';
import { evidenceChain, failureClassLabel, stageList } from '../../../../shared/model/fixReview';
import type { EventSubscribe, WorkbenchApi } from '../../../../shared/rpc/contract';
import type { Navigate } from '../../app/useHashRoute';
import { Placeholder } from '../../components/Placeholder';
import { ApplyDialog } from './ApplyDialog';
import { CandidateCard } from './CandidateCard';
import { RootCausePanel } from './RootCausePanel';
import { StageStrip } from './StageStrip';
import { useFixReview, type ActionOutcome } from './useFixReview';
import './FixReviewScreen.css';

interface Props {
  api: WorkbenchApi;
  subscribe: EventSubscribe;
  fixId: string;
  navigate: Navigate;
}

const STATUS_TEXT: Record<FixReport['status'], string> = { running: 'running', done: 'done', no_failure: 'nothing to fix', cancelled: 'cancelled', error: 'error' };

/**
 * The fix review screen: the engine's stages while it works (cancellable), the root cause with its evidence chain,
 * then the ranked candidates with their verdicts, scores and side-by-side diffs, each appliable and undoable.
 * Focus moves to the first candidate when the ranked results arrive.
 */
export function FixReviewScreen({ api, subscribe, fixId, navigate }: Props): React.JSX.Element {
  const fix = useFixReview(api, subscribe, fixId);
  const [confirming, setConfirming] = useState<number | undefined>(undefined);
  const report = fix.report.status === 'ready' ? fix.report.report : undefined;
  const stages = useMemo(() => stageList(fix.progress, report), [fix.progress, report]);
  const chain = useMemo(() => evidenceChain(report?.failure, report?.rootCause), [report]);
  const [cwd, setCwd] = useState('');
  const runId = report?.runId;
  useEffect(() => {
    if (!runId) return;
    let live = true;
    api.getRun({ runId }).then(
      (r) => live && setCwd(r.cwd),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, runId]);

  // Focus the first candidate once per fix when its ranked results are shown (arriving live, or on opening a finished fix).
  const firstCandidate = useRef<HTMLElement>(null);
  const focusedFor = useRef<string | null>(null);
  const ranked = report?.status === 'done' && report.candidates.length > 0;
  useEffect(() => {
    if (!ranked || focusedFor.current === fixId) return;
    focusedFor.current = fixId;
    firstCandidate.current?.focus();
  }, [ranked, fixId]);

  const openStep = useCallback((seq: number) => runId && navigate({ screen: 'run', runId, step: seq }), [navigate, runId]);
  const running = report?.status === 'running' || (fix.report.status !== 'ready' && !fix.progress.ended);
  const busy = fix.outcome.status === 'busy';
  const confirmingCandidate = report?.candidates.find((c) => c.n === confirming);

  return (
    <section className="fix-review" aria-label="Fix review">
      <header className="fr-head">
        <button type="button" className="btn" onClick={() => (runId ? navigate({ screen: 'run', runId }) : navigate({ screen: 'traces' }))}>
          ← {runId ? 'Trace' : 'Traces'}
        </button>
        <h2 className="fr-title">
          Fix <span className="mono">{fixId}</span>
        </h2>
        {report && (
          <>
            <span className={`fr-status fr-status-${report.status}`} data-testid="fix-status">
              {STATUS_TEXT[report.status]}
            </span>
            {report.failure && <span className="fr-class">{failureClassLabel(report.failure.class)}</span>}
            <span className="fr-run mono" title={report.runId}>
              run {report.runId}
            </span>
          </>
        )}
        <span className="fr-spacer" />
        {report && report.status !== 'running' && (
          <span className="fr-ai" title={report.ai.note}>
            {report.ai.used ? `AI: ${report.ai.model ?? 'on'}` : `AI not used${report.ai.note ? `: ${report.ai.note}` : ''}`} · {report.replays} replay{report.replays === 1 ? '' : 's'}
          </span>
        )}
        {running ? (
          <button type="button" className="btn" onClick={fix.cancel} disabled={busy}>
            Cancel
          </button>
        ) : (
          runId && (
            <button type="button" className="btn" onClick={() => navigate({ screen: 'fixStart', runId })}>
              Run fix again
            </button>
          )
        )}
      </header>
      <div className="fr-body">
        <StageStrip stages={stages} />
        <Outcome outcome={fix.outcome} onDismiss={fix.clearOutcome} onRunAgain={runId ? () => navigate({ screen: 'fixStart', runId }) : undefined} />
        {fix.report.status === 'loading' && <Placeholder kind="loading">Loading the fix…</Placeholder>}
        {fix.report.status === 'error' && <Placeholder kind="error">{fix.report.message}</Placeholder>}
        {fix.report.status === 'missing' &&
          (fix.progress.ended ? (
            <Placeholder kind="empty">{fix.progress.messages.done ?? fix.report.message}</Placeholder>
          ) : (
            <Placeholder kind="loading">Detecting the failure…</Placeholder>
          ))}
        {report && (
          <>
            {report.failure && (
              <p className="fr-summary">
                <span className="fr-class-label">{failureClassLabel(report.failure.class)}:</span> {report.failure.summary}
              </p>
            )}
            {report.status === 'error' && <p className="fr-error" role="alert">The fix stopped: {report.error}</p>}
            {report.status === 'no_failure' && <p className="fr-info">This run did not fail: there is nothing to fix.</p>}
            {report.rootCause && <RootCausePanel chain={chain} aiExplanation={report.rootCause.aiExplanation} onOpenStep={openStep} />}
            {report.candidates.length > 0 && (
              <section className="fr-candidates" aria-labelledby="fr-cands-title">
                <h3 id="fr-cands-title">
                  {report.status === 'done' ? 'Candidates, best first' : 'Candidates (validating…)'}
                  {report.applied && <span className="fr-applied-note"> · candidate {report.applied.n} is applied</span>}
                </h3>
                {report.candidates.map((c, i) => (
                  <CandidateCard
                    key={c.n}
                    candidate={c}
                    rank={i + 1}
                    cwd={cwd}
                    applied={report.applied?.n === c.n}
                    applyBlocked={report.status === 'running' ? 'wait until every candidate is validated' : report.applied ? `candidate ${report.applied.n} is applied: undo it first` : busy ? 'an action is in progress' : undefined}
                    focusRef={i === 0 ? firstCandidate : undefined}
                    onApply={setConfirming}
                    onUndo={fix.undo}
                    onOpenBranch={(branchId) => navigate({ screen: 'run', runId: branchId })}
                    onCompare={(branchId) => navigate({ screen: 'run', runId: report.runId, compare: branchId })}
                  />
                ))}
              </section>
            )}
            {report.status === 'done' && report.candidates.length === 0 && <p className="fr-info">No candidate could be generated for this failure.</p>}
          </>
        )}
      </div>
      {confirmingCandidate && (
        <ApplyDialog
          candidate={confirmingCandidate}
          cwd={cwd}
          busy={busy}
          error={fix.outcome.status === 'error' ? fix.outcome.message : undefined}
          onClose={() => setConfirming(undefined)}
          onConfirm={() => void fix.apply(confirmingCandidate.n).then((ok) => ok && setConfirming(undefined))}
        />
      )}
    </section>
  );
}

/** The last action's outcome: a plain line; a stale file says what happened and offers to run the fix again. */
function Outcome({ outcome, onDismiss, onRunAgain }: { outcome: ActionOutcome; onDismiss: () => void; onRunAgain?: () => void }): React.JSX.Element | null {
  if (outcome.status === 'idle') return null;
  if (outcome.status === 'busy') {
    return (
      <p className="fr-outcome fr-outcome-busy" role="status">
        {outcome.what === 'apply' ? 'Applying…' : outcome.what === 'undo' ? 'Undoing…' : 'Cancelling…'}
      </p>
    );
  }
  return (
    <div className={`fr-outcome ${outcome.status === 'error' ? 'fr-outcome-error' : 'fr-outcome-ok'}`} role={outcome.status === 'error' ? 'alert' : 'status'} data-testid="fix-outcome">
      <span>
        {outcome.status === 'error' && outcome.stale && <strong>Your file changed since this fix was computed. </strong>}
        {outcome.message}
      </span>
      {outcome.status === 'error' && outcome.stale && onRunAgain && (
        <button type="button" className="btn" onClick={onRunAgain}>
          Run fix again on the current code
        </button>
      )}
      <button type="button" className="btn fr-dismiss" onClick={onDismiss} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}
