import type { FixStats } from '../../../../shared/rpc/contract';
import './FixStatsStrip.css';

/** The Traces screen's dashboard strip (pure view): runs recorded, failing, fixed, fixes still validating. */
export function FixStatsStrip({ stats }: { stats: FixStats }): React.JSX.Element {
  const items: [string, number, string][] = [
    ['Runs recorded', stats.runs, 'runs'],
    ['Failing', stats.failing, 'failing'],
    ['Fixed', stats.fixed, 'fixed'],
    ['Pending validation', stats.pendingValidation, 'pending'],
  ];
  return (
    <dl className="fix-stats" aria-label="Fix dashboard" data-testid="fix-stats">
      {items.map(([label, n, key]) => (
        <div key={key} className={`fs-item fs-${key}`} data-stat={key}>
          <dt>{label}</dt>
          <dd>{n}</dd>
        </div>
      ))}
    </dl>
  );
}
