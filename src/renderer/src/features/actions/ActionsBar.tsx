import type { ReplayVerdictView } from '../../../../shared/rpc/contract';
import { useState } from 'react';
import { formatBytes } from '../format';
import { forkBlockedReason } from './editDraft';
import type { Actions } from './useActions';
import './ActionsBar.css';

interface Props {
  replay: Actions['replay'];
  started: Actions['started'];
  exported: Actions['exported'];
  /** The selected step and its kind (undefined: nothing selected). */
  step?: number;
  stepKind?: string;
  /** Whether the selected step's result can be edited (llm, http, values). */
  editable: boolean;
  /** The run can be replayed / branched: it has finished (not pending, not running). */
  finished: boolean;
  /** The run is a branch created but not run yet: offer to run it. */
  pending: boolean;
  onRunBranch: () => void;
  /** The run is a branch (it can be deleted); `below` is how many branches fork from it, recursively. */
  branch?: { below: number };
  /** Deletes the branch (and the branches below it); resolves to an error message, or undefined once done. */
  onDelete: () => Promise<string | undefined>;
  onReplay: () => void;
  onResume: (step: number) => void;
  onFork: (step: number) => void;
  onCompare: () => void;
  onExport: () => void;
  onOpenRun: (runId: string) => void;
}

/** The trace screen's action bar (pure view): the five actions, the export, the replay verdict and the branch just started. */
export function ActionsBar(p: Props): React.JSX.Element {
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<string | undefined>(undefined);
  const hasStep = p.step !== undefined;
  const stepHint = hasStep ? `step ${p.step}` : 'select a step first';
  const forkBlocked = forkBlockedReason({ finished: p.finished, pending: p.pending, ...(hasStep ? { step: p.step } : {}), ...(p.stepKind !== undefined ? { stepKind: p.stepKind } : {}) });
  return (
    <div className="actions-bar" role="toolbar" aria-label="Trace actions">
      {p.pending && (
        <button type="button" className="btn btn-primary" onClick={p.onRunBranch} disabled={p.started.status === 'running'} title="Run this branch: its parent's record up to the fork, its edits, then live">
          Run branch
        </button>
      )}
      <button type="button" className="btn" onClick={p.onReplay} disabled={!p.finished || p.replay.status === 'running'} title="Replay the whole run offline and check it matches the recording">
        {p.replay.status === 'running' ? 'Replaying…' : 'Replay'}
      </button>
      <button type="button" className="btn" onClick={() => hasStep && p.onResume(p.step as number)} disabled={!p.finished || !hasStep} title={`Resume live from ${stepHint}`}>
        Resume from here
      </button>
      <button
        type="button"
        className="btn btn-primary"
        onClick={() => hasStep && p.onFork(p.step as number)}
        disabled={forkBlocked !== undefined || !p.editable}
        title={forkBlocked ?? `Edit the result of ${stepHint} and run a branch from it`}
        {...(forkBlocked !== undefined ? { 'aria-describedby': 'ab-fork-why' } : {})}
        data-testid="edit-fork"
      >
        Edit &amp; fork
      </button>
      {forkBlocked !== undefined && (
        <span id="ab-fork-why" className="visually-hidden">
          {forkBlocked}
        </span>
      )}
      <button type="button" className="btn" onClick={p.onCompare} title="Compare this run with another run of its tree">
        Compare with…
      </button>
      <button type="button" className="btn" onClick={p.onExport} disabled={p.exported.status === 'running'} title="Save this run with its branches as a .agenttrace file">
        {p.exported.status === 'running' ? 'Exporting…' : 'Export'}
      </button>
      {p.branch && !confirming && (
        <button type="button" className="btn" onClick={() => (setDeleteError(undefined), setConfirming(true))} disabled={!p.finished && !p.pending} title="Delete this branch (its parent is not touched)">
          Delete branch…
        </button>
      )}
      {p.branch && confirming && (
        <span className="ab-confirm" role="group" aria-label="Confirm delete">
          Delete this branch{p.branch.below > 0 ? ` and the ${p.branch.below} branch${p.branch.below === 1 ? '' : 'es'} forked from it` : ''}?
          <button
            type="button"
            className="btn btn-danger"
            onClick={() =>
              void p.onDelete().then((err) => {
                setConfirming(false);
                setDeleteError(err);
              })
            }
          >
            Delete
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      )}
      <div className="ab-status" aria-live="polite">
        {deleteError && <span className="ab-error">Delete failed: {deleteError}</span>}
        <ReplayStatus replay={p.replay} />
        {p.exported.status === 'error' && <span className="ab-error">Export failed: {p.exported.message}</span>}
        {p.exported.status === 'done' && (
          <span className="ab-note" data-testid="export-done">
            Saved {p.exported.value.fileName} ({formatBytes(p.exported.value.bytes)})
          </span>
        )}
        {p.started.status === 'running' && <span className="ab-note">Starting…</span>}
        {p.started.status === 'error' && <span className="ab-error">{p.started.message}</span>}
        {p.started.status === 'done' && (
          <span className="ab-note" data-testid="branch-started">
            {p.started.value.how === 'resume' ? 'Resume' : 'Branch'} started:{' '}
            <button type="button" className="ab-link" onClick={() => p.onOpenRun(p.started.status === 'done' ? p.started.value.branchId : '')}>
              {p.started.value.branchId}
            </button>
          </span>
        )}
      </div>
    </div>
  );
}

function ReplayStatus({ replay }: { replay: Actions['replay'] }): React.JSX.Element | null {
  if (replay.status === 'error') return <span className="ab-error">Replay failed: {replay.message}</span>;
  if (replay.status !== 'done') return null;
  return <Verdict v={replay.value} />;
}

/** "output identical (N events matched)", or where and how the replay diverged. */
function Verdict({ v }: { v: ReplayVerdictView }): React.JSX.Element {
  if (v.identical) {
    return (
      <span className="ab-verdict ab-ok" data-testid="replay-verdict" title={v.lines.join('\n')}>
        ✓ output identical ({v.matched} events matched)
      </span>
    );
  }
  const d = v.divergence;
  return (
    <span className="ab-verdict ab-bad" data-testid="replay-verdict" title={v.lines.join('\n')}>
      ✗ {d ? `diverged at step ${d.seq} (${d.kind}): ${d.message}` : v.lines[0] ?? `replay ${v.outcome}`}
      {d?.diff && d.diff.length > 0 && <span className="ab-fields"> fields: {d.diff.map((f) => f.path).join(', ')}</span>}
      {!d && v.stdoutDiff && <span className="ab-fields"> output line {v.stdoutDiff.line} differs</span>}
    </span>
  );
}
