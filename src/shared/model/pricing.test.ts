import { describe, expect, it } from 'vitest';
import { callCost, mergePrices, priceOf, sumCost } from './pricing.js';

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
});
