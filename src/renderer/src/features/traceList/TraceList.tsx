import type { RunSummary } from '../../../../shared/rpc/contract';
import { StatusBadge } from '../../components/StatusBadge';
import { costText, formatDuration, runLabel, usageScope } from '../format';
import './TraceList.css';

interface Props {
  runs: RunSummary[];
  onOpen: (runId: string) => void;
}

/** Moves focus to the previous/next row (arrow keys), opens the focused one (Enter). */
function onRowKey(e: React.KeyboardEvent<HTMLTableRowElement>, open: () => void): void {
  const row = e.currentTarget;
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
export function TraceList({ runs, onOpen }: Props): React.JSX.Element {
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
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-run-id={r.id} tabIndex={0} aria-label={`Open ${runLabel(r)}`} onClick={() => onOpen(r.id)} onKeyDown={(e) => onRowKey(e, () => onOpen(r.id))}>
            <td>
              <StatusBadge status={r.status} />
            </td>
            <td title={r.id}>
              {r.parentId && (
                <span className="branch-mark" title={`branch of ${r.parentId} at step ${r.forkSeq ?? '?'}`}>
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
          </tr>
        ))}
      </tbody>
    </table>
  );
}
