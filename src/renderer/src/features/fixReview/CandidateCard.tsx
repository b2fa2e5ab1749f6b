import type { Ref } from 'react';
import type { FixCandidate, FixStrategy } from '../../../../shared/afe/types';
import { diffStat, relativeTo, scoreText } from '../../../../shared/model/fixReview';
import { VerdictBadge } from '../../components/VerdictBadge';
import { FileDiff } from './FileDiff';
import { ScoreBreakdown } from './ScoreBreakdown';
import './CandidateCard.css';

const STRATEGY: Record<FixStrategy, string> = { code_patch: 'code patch', config_change: 'config change', prompt_change: 'prompt change', retry_policy: 'retry policy' };

interface Props {
  candidate: FixCandidate;
  rank: number;
  /** The failed run's folder: file names are shown relative to it. */
  cwd: string;
  /** This candidate's files are applied now. */
  applied: boolean;
  /** Why Apply is not offered now (fix still running, another candidate applied, an action in progress). */
  applyBlocked?: string;
  focusRef?: Ref<HTMLElement>;
  onApply: (n: number) => void;
  onUndo: () => void;
  onOpenBranch: (branchId: string) => void;
  onCompare: (branchId: string) => void;
}

/** One ranked candidate (pure view): strategy, verdict, score and its breakdown, the validation branch, each file side by side. */
export function CandidateCard({ candidate: c, rank, cwd, applied, applyBlocked, focusRef, onApply, onUndo, onOpenBranch, onCompare }: Props): React.JSX.Element {
  const titleId = `cand-${c.n}-title`;
  const changes = c.files.reduce((n, f) => { const s = diffStat(f.diff); return { added: n.added + s.added, removed: n.removed + s.removed }; }, { added: 0, removed: 0 });
  return (
    <article ref={focusRef} className={`candidate${applied ? ' candidate-applied' : ''}`} tabIndex={-1} aria-labelledby={titleId} data-testid="candidate" data-n={c.n}>
      <header className="cc-head">
        <span className="cc-rank" aria-label={`rank ${rank}`}>
          #{rank}
        </span>
        <h4 id={titleId} className="cc-title">
          {c.title}
        </h4>
        <VerdictBadge verdict={c.verdict} />
        {applied && <span className="cc-applied">applied</span>}
        <span className="cc-score" title="Score: Σ weight × factor">
          score <strong>{scoreText(c.score.total)}</strong>
        </span>
      </header>
      <div className="cc-meta">
        <span>{STRATEGY[c.strategy]}</span>
        <span>{c.source === 'ai' ? 'proposed by AI, validated by replay' : 'built-in heuristic'}</span>
        {c.files.length > 0 && (
          <span>
            {c.files.length} file{c.files.length === 1 ? '' : 's'}, +{changes.added} −{changes.removed}
          </span>
        )}
        {c.branchId && <span className="mono">{c.branchId}</span>}
      </div>
      <div className="cc-main">
        <div className="cc-text">
          <p className="cc-rationale">{c.rationale}</p>
          <p className={`cc-verdict-detail${c.verdict === 'needs_you' ? ' cc-needs-you' : ''}`} data-testid="verdict-detail">
            {c.verdictDetail}
          </p>
          {c.answered && c.answered.pool + c.answered.synth + c.answered.live > 0 && (
            <p className="cc-note">
              Requests the patch changed: {c.answered.pool} answered from another recording, {c.answered.synth} synthesized, {c.answered.live} live.
            </p>
          )}
          {c.regression && c.regression.length > 0 && (
            <p className="cc-note">
              Regression check: {c.regression.filter((r) => r.ok).length} of {c.regression.length} other recorded runs still pass
              {c.regression.some((r) => !r.ok) && ` (failing: ${c.regression.filter((r) => !r.ok).map((r) => r.runId).join(', ')})`}.
            </p>
          )}
          <div className="cc-actions">
            {applied ? (
              <button type="button" className="btn" onClick={onUndo}>
                Undo
              </button>
            ) : (
              c.files.length > 0 && (
                <button type="button" className="btn btn-primary" aria-haspopup="dialog" disabled={applyBlocked !== undefined} title={applyBlocked} onClick={() => onApply(c.n)}>
                  Apply…
                </button>
              )
            )}
            {c.branchId && (
              <>
                <button type="button" className="btn" onClick={() => onOpenBranch(c.branchId as string)}>
                  Open branch
                </button>
                <button type="button" className="btn" onClick={() => onCompare(c.branchId as string)}>
                  Compare
                </button>
              </>
            )}
          </div>
        </div>
        <ScoreBreakdown score={c.score} />
      </div>
      {c.files.map((f) => (
        <FileDiff key={f.path} name={relativeTo(f.path, cwd)} before={f.before} after={f.after} />
      ))}
    </article>
  );
}
