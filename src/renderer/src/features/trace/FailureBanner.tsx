import type { RunDetail } from '../../../../shared/rpc/contract';
import { failureClassLabel } from '../../../../shared/model/fixReview';
import { VerdictBadge } from '../../components/VerdictBadge';
import './FailureBanner.css';

interface Props {
  run: RunDetail;
  onSelectStep: (seq: number) => void;
  onFix: () => void;
  onOpenFix: (fixId: string) => void;
}

/** Whether a run gets the failure banner (and a Fix… action): it ended failed, or detection found a failure in it. */
export function isFixable(r: { status: string; failureClass?: string }): boolean {
  return r.failureClass !== undefined || r.status === 'failed' || r.status === 'crashed';
}

/** A failed run's banner on the Trace screen (pure view): class, one-line cause, the failing step, Fix…, the last fix. */
export function FailureBanner({ run, onSelectStep, onFix, onOpenFix }: Props): React.JSX.Element {
  const f = run.failure;
  const fix = run.latestFix;
  return (
    <div className="failure-banner" role="region" aria-label="Failure">
      <span className="fb-class">{f ? failureClassLabel(f.class) : `run ${run.status}`}</span>
      <span className="fb-summary" title={f?.summary}>
        {f ? f.summary : `exit ${run.exitCode ?? run.exitSignal ?? '?'}; no failure class was stored for this run`}
      </span>
      {f?.seq !== undefined && (
        <button type="button" className="fb-step" onClick={() => onSelectStep(f.seq as number)}>
          failing step {f.seq}
        </button>
      )}
      {fix && (
        <button type="button" className="fb-step" onClick={() => onOpenFix(fix.id)}>
          last fix: {fix.status === 'done' && fix.bestVerdict ? <VerdictBadge verdict={fix.bestVerdict} /> : fix.status}
        </button>
      )}
      <button type="button" className="btn btn-primary" onClick={onFix}>
        Fix…
      </button>
    </div>
  );
}
