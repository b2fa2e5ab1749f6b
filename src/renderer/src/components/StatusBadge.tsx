import type { RunStatus } from '../../../shared/trace/types';
import './StatusBadge.css';

/** A run's status as a coloured pill (the same colours as the branch graph's nodes). */
export function StatusBadge({ status }: { status: RunStatus }): React.JSX.Element {
  return <span className={`status status-${status}`}>{status}</span>;
}
