import { describe, expect, it } from 'vitest';
import { SCORE_WEIGHTS, type FixCandidate } from '../../shared/afe/types.js';
import { changedLines, rank, score } from './rank.js';

const base = { strategy: 'code_patch' as const, source: 'heuristic' as const, changedLines: 2, rootCause: 'confirmed' as const, history: 0.5 };

describe('rank: the six weights', () => {
  it('total is the weighted sum of the factors, each in [0, 1]', () => {
    const s = score({ ...base, verdict: 'fixed' });
    const sum = (Object.keys(SCORE_WEIGHTS) as (keyof typeof SCORE_WEIGHTS)[]).reduce((a, k) => a + SCORE_WEIGHTS[k] * s[k], 0);
    expect(s.total).toBeCloseTo(sum, 3);
    for (const k of Object.keys(SCORE_WEIGHTS) as (keyof typeof SCORE_WEIGHTS)[]) {
      expect(s[k]).toBeGreaterThanOrEqual(0);
      expect(s[k]).toBeLessThanOrEqual(1);
    }
  });

  it('a clean validation beats a simulated one, which beats not fixed', () => {
    const fixed = score({ ...base, verdict: 'fixed' }).total;
    const sim = score({ ...base, verdict: 'fixed_simulated' }).total;
    const not = score({ ...base, verdict: 'not_fixed' }).total;
    expect(fixed).toBeGreaterThan(sim);
    expect(sim).toBeGreaterThan(not);
  });

  it('a confirmed root cause, a smaller patch and a better history each raise the score', () => {
    expect(score({ ...base, verdict: 'fixed' }).total).toBeGreaterThan(score({ ...base, verdict: 'fixed', rootCause: 'suspected' }).total);
    expect(score({ ...base, verdict: 'fixed', changedLines: 1 }).total).toBeGreaterThan(score({ ...base, verdict: 'fixed', changedLines: 40 }).total);
    expect(score({ ...base, verdict: 'fixed', history: 0.9 }).total).toBeGreaterThan(score({ ...base, verdict: 'fixed', history: 0.2 }).total);
  });

  it('orders by total, then verdict, then patch size', () => {
    const mk = (n: number, total: number, verdict: FixCandidate['verdict'], diff: string): FixCandidate => ({
      n,
      strategy: 'code_patch',
      source: 'heuristic',
      title: `c${n}`,
      rationale: '',
      files: [{ path: '/a.mjs', sha256: '', before: '', after: '', diff }],
      verdict,
      verdictDetail: '',
      score: { confidence: 0, size: 0, validation: 0, history: 0, safety: 0, specificity: 0, total },
    });
    const out = rank([mk(1, 0.5, 'not_fixed', '+a\n'), mk(2, 0.8, 'fixed_simulated', '+a\n+b\n'), mk(3, 0.8, 'fixed', '+a\n+b\n-c\n'), mk(4, 0.8, 'fixed', '+a\n')]);
    expect(out.map((c) => c.n)).toEqual([4, 3, 2, 1]);
  });

  it('counts changed lines from unified diffs, not their headers', () => {
    expect(changedLines({ files: [{ path: '', sha256: '', before: '', after: '', diff: '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-old\n+new\n same\n' }] })).toBe(2);
  });
});
