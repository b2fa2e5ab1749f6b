import type { Verdict } from '../../../shared/afe/types';
import { verdictLabel, verdictTone } from '../../../shared/model/fixReview';
import './VerdictBadge.css';

/** A fix verdict as a pill: fixed green, fixed (simulated) and needs you amber, the rest red. */
export function VerdictBadge({ verdict }: { verdict: Verdict }): React.JSX.Element {
  return (
    <span className={`verdict verdict-${verdictTone(verdict)}`} data-verdict={verdict}>
      {verdictLabel(verdict)}
    </span>
  );
}
