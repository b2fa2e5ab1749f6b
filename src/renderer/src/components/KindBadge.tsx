import type { EventKind } from '../../../shared/trace/types';
import { KIND_BADGE } from './kinds';
import './KindBadge.css';

/** An event kind as a small coloured label (timeline rows, inspector header). */
export function KindBadge({ kind }: { kind: EventKind }): React.JSX.Element {
  return <span className={`kind-badge kind-${kind}`}>{KIND_BADGE[kind] ?? kind}</span>;
}
