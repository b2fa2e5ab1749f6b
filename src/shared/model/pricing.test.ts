import { describe, expect, it } from 'vitest';
import { callCost, costOfTotals, formatCost, formatUsdDelta, mergePrices, priceOf, sumCost } from './pricing.js';

describe('pricing', () => {
  it('matches exact names, then the longest prefix', () => {
    expect(priceOf('gpt-4o-mini')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf('gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 });
    expect(priceOf('unknown-model')).toBeUndefined();
  });

  it('computes cost per call and counts unpriced calls separately', () => {
    expect(callCost('gpt-4o', { promptTokens: 1_000_000, completionTokens: 500_000, totalTokens: 1_500_000 })).toBeCloseTo(7.5);
    const s = sumCost([
      { model: 'llama-3.1-8b-instant', usage: { promptTokens: 1000, completionTokens: 1000, totalTokens: 2000 } },
      { model: 'mystery', usage: { promptTokens: 10, completionTokens: 10, totalTokens: 20 } },
    ]);
    expect(s.usd).toBeCloseTo(0.00013);
    expect(s.unpricedCalls).toBe(1);
  });

  it('lets the user extend and override prices, reporting malformed entries', () => {
    const { table, problems } = mergePrices({ 'my-model': { input: 1, output: 2 }, 'gpt-4o': { input: 1, output: 1 }, bad: { input: 'x' } });
    expect(table['my-model']).toEqual({ input: 1, output: 2 });
    expect(table['gpt-4o']).toEqual({ input: 1, output: 1 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('bad');
  });

  it('prices per-model totals, counting unknown models and unmetered replies as unpriced', () => {
    const c = costOfTotals([
      { model: 'gpt-4o-mini-2024-07-18', calls: 3, unmetered: 1, promptTokens: 2_000_000, completionTokens: 1_000_000 },
      { model: 'mystery', calls: 2, unmetered: 0, promptTokens: 10, completionTokens: 10 },
      { calls: 1, unmetered: 1, promptTokens: 0, completionTokens: 0 },
    ]);
    expect(c.usd).toBeCloseTo(0.9);
    expect(c.unpricedCalls).toBe(4);
    expect(c.byModel.map((m) => [m.model, m.usd, m.unpricedCalls])).toEqual([
      ['gpt-4o-mini-2024-07-18', expect.closeTo(0.9), 1],
      ['mystery', undefined, 2],
      [undefined, undefined, 1],
    ]);
    expect(costOfTotals([{ model: 'o3', calls: 1, unmetered: 0, promptTokens: 1000, completionTokens: 0 }], mergePrices({ o3: { input: 0, output: 0 } }).table).usd).toBe(0);
  });

  it('formats costs without ever showing unpriced calls as $0', () => {
    expect(formatCost({ usd: 0.0123, unpricedCalls: 0 })).toBe('$0.0123');
    expect(formatCost({ usd: 0.0123, unpricedCalls: 2 })).toBe('$0.0123 + 2 unpriced');
    expect(formatCost({ usd: 0, unpricedCalls: 2 }, 2)).toBe('unknown (2 unpriced)');
    expect(formatCost({ usd: 0, unpricedCalls: 1 }, 3)).toBe('$0 + 1 unpriced');
    expect(formatUsdDelta(0.5)).toBe('+$0.5000');
    expect(formatUsdDelta(-0.0004)).toBe('-$0.00040');
    expect(formatUsdDelta(0)).toBe('$0');
  });
});
