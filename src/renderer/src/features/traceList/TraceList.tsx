import type { RunSummary } from '../../../../shared/rpc/contract';
import { failureClassLabel } from '../../../../shared/model/fixReview';
import { forkText } from '../../../../shared/model/runLineage';
import { StatusBadge } from '../../components/StatusBadge';
import { VerdictBadge } from '../../components/VerdictBadge';
import { isFixable } from '../trace/FailureBanner';
import { costText, formatDuration, runLabel, usageScope } from '../format';
import './TraceList.css';

interface Props {
  runs: RunSummary[];
  onOpen: (runId: string) => void;
  /** Starts a fix of a failed run (the fix review screen). */
  onFix: (runId: string) => void;
  /** Opens a fix attempt. */
  onOpenFix: (fixId: string) => void;
}

/** Moves focus to the previous/next row (arrow keys), opens the focused one (Enter). */
function onRowKey(e: React.KeyboardEvent<HTMLTableRowElement>, open: () => void): void {
  const row = e.currentTarget;
  // Keys on a control inside the row (Fix…, the verdict link) belong to that control.
  if (e.target !== row) return;
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    open();
  } else if (e.key === 'ArrowDown' || e.key === 'j') {
    e.preventDefault();
    (row.nextElementSibling as HTMLElement | null)?.focus();
  } else if (e.key === 'ArrowUp' || e.key === 'k') {
    e.preventDefault();
    (row.previousElementSibling as HTMLElement | null)?.focus();
  }
}

/** The runs of the store as a table (pure view); a row opens its trace by click or keyboard. */
export function TraceList({ runs, onOpen, onFix, onOpenFix }: Props): React.JSX.Element {
  return (
    <table className="trace-list">
      <thead>
        <tr>
          <th>Status</th>
          <th>Name</th>
          <th className="num">Steps</th>
          <th className="num">LLM calls</th>
          <th className="num">Tokens</th>
          <th className="num">Cost</th>
          <th>Started</th>
          <th className="num">Duration</th>
          <th>Fix</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-run-id={r.id} tabIndex={0} aria-label={`Open ${runLabel(r)}`} onClick={() => onOpen(r.id)} onKeyDown={(e) => onRowKey(e, () => onOpen(r.id))}>
            <td>
              <StatusBadge status={r.status} />
              {r.failureClass && (
                <span className="failure-class" data-testid="failure-class">
                  {failureClassLabel(r.failureClass)}
                </span>
              )}
            </td>
            <td title={r.id}>
              {r.parentId && (
                <span className="branch-mark" title={`branch of ${r.parentId}, ${forkText(r.forkSeq)}`}>
                  ↳{' '}
                </span>
              )}
              <span className="run-name">{runLabel(r)}</span>
              <span className="run-id mono">{r.id.slice(0, 8)}</span>
            </td>
            <td className="num">{r.steps}</td>
            <td className="num">{r.llmCalls}</td>
            <td className="num">{r.totalTokens}</td>
            <td className="num" title={usageScope(r)}>{costText(r)}</td>
            <td>{new Date(r.startedAt).toLocaleString()}</td>
            <td className="num">{r.endedAt !== undefined ? formatDuration(r.endedAt - r.startedAt) : r.status === 'running' ? 'running' : '—'}</td>
            <td className="fix-cell" onClick={(e) => e.stopPropagation()}>
              {r.latestFix && (
                <button type="button" className="fix-link" aria-label={`Open the latest fix of ${runLabel(r)}`} onClick={() => r.latestFix && onOpenFix(r.latestFix.id)}>
                  {r.latestFix.status === 'done' && r.latestFix.bestVerdict ? <VerdictBadge verdict={r.latestFix.bestVerdict} /> : <span className="fix-status">{r.latestFix.status === 'done' ? 'no candidate' : r.latestFix.status}</span>}
                </button>
              )}
              {isFixable(r) && r.status !== 'running' && (
                <button type="button" className="btn fix-btn" aria-label={`Fix ${runLabel(r)}…`} onClick={() => onFix(r.id)}>
                  Fix…
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
