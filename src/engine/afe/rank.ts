/**
 * Ranking of fix candidates with the product's six weights (SCORE_WEIGHTS): confidence .30, patch size .15,
 * validation .25, historical pattern .15, safety .10, specificity .05. Pure: every factor is in [0, 1] and the
 * breakdown is kept on the candidate so people see why one ranks above another.
 */
import { SCORE_WEIGHTS, type FixCandidate, type FixStrategy, type RootCauseStatus, type ScoreBreakdown, type Verdict } from '../../shared/afe/types.js';

export interface RankInput {
  verdict: Verdict;
  strategy: FixStrategy;
  source: 'heuristic' | 'ai';
  /** Lines added + removed over all files. */
  changedLines: number;
  rootCause: RootCauseStatus;
  /** Historical success of this class + strategy (patternSuccess), 0.5 when never seen. */
  history: number;
  /** From the generator: how safe (0..1) and how specific to this failure (0..1) the change is. */
  safety?: number;
  specificity?: number;
}

/** How much a validation verdict proves: a clean replay on recorded answers beats one that needed synthesized replies. */
const VALIDATION: Record<Verdict, number> = { fixed: 1, fixed_simulated: 0.7, not_fixed: 0.1, regressed: 0, needs_you: 0, error: 0, pending: 0 };

/** Default safety by strategy: config and retry changes are low-risk; prompt and code changes touch behaviour. */
const SAFETY: Record<FixStrategy, number> = { config_change: 0.9, retry_policy: 0.9, prompt_change: 0.7, code_patch: 0.6 };

export function score(i: RankInput): ScoreBreakdown {
  const confidence = clamp((i.rootCause === 'confirmed' ? 0.85 : i.rootCause === 'suspected' ? 0.55 : 0.4) + (i.source === 'heuristic' ? 0.1 : 0));
  // Small patches are easier to review and less likely to break something else: 1 line ≈ 0.95, 10 ≈ 0.67, 50 ≈ 0.29.
  const size = i.changedLines <= 0 ? 0 : clamp(1 / (1 + (i.changedLines - 1) / 20));
  const b = {
    confidence,
    size,
    validation: VALIDATION[i.verdict],
    history: clamp(i.history),
    safety: clamp(i.safety ?? SAFETY[i.strategy] * (i.source === 'ai' ? 0.9 : 1)),
    specificity: clamp(i.specificity ?? (i.source === 'ai' ? 0.5 : 0.6)),
  };
  const total = (Object.keys(SCORE_WEIGHTS) as (keyof typeof SCORE_WEIGHTS)[]).reduce((sum, k) => sum + SCORE_WEIGHTS[k] * b[k], 0);
  return { ...b, total: round(total) };
}

/** Verdict order for ties and for people: what works first, what needs a person last. */
const VERDICT_ORDER: Record<Verdict, number> = { fixed: 0, fixed_simulated: 1, not_fixed: 3, regressed: 4, needs_you: 2, error: 5, pending: 6 };

/** Candidates best first: by total score, then verdict, then the smaller patch, then their number. */
export function rank(candidates: FixCandidate[]): FixCandidate[] {
  return [...candidates].sort(
    (a, b) => b.score.total - a.score.total || VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || changedLines(a) - changedLines(b) || a.n - b.n,
  );
}

/** Lines added + removed by a candidate, counted from its unified diffs. */
export function changedLines(c: Pick<FixCandidate, 'files'>): number {
  let n = 0;
  for (const f of c.files) {
    for (const line of f.diff.split('\n')) {
      if ((line.startsWith('+') && !line.startsWith('+++')) || (line.startsWith('-') && !line.startsWith('---'))) n++;
    }
  }
  return n;
}

function clamp(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
