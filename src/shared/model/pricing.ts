/**
 * Token prices and run cost. A built-in table for common OpenAI and Groq models (USD per million tokens) that the
 * user can extend or override in `$AGENTTRACE_HOME/prices.json` ({"model-name": {"input": 0.5, "output": 1.5}}).
 * Model names match exactly first, then by the longest known prefix (dated snapshots like gpt-4o-2024-08-06).
 */
import type { TokenUsage } from '../trace/types.js';

export interface ModelPrice {
  /** USD per 1M prompt tokens. */
  input: number;
  /** USD per 1M completion tokens. */
  output: number;
}

export type PriceTable = Record<string, ModelPrice>;

export const DEFAULT_PRICES: PriceTable = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'o1': { input: 15, output: 60 },
  'o1-mini': { input: 1.1, output: 4.4 },
  'o3': { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
  'llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
  'llama3-8b-8192': { input: 0.05, output: 0.08 },
  'llama3-70b-8192': { input: 0.59, output: 0.79 },
  'mixtral-8x7b-32768': { input: 0.24, output: 0.24 },
  'gemma2-9b-it': { input: 0.2, output: 0.2 },
  'deepseek-r1-distill-llama-70b': { input: 0.75, output: 0.99 },
  'qwen-qwq-32b': { input: 0.29, output: 0.39 },
};

/** The price of a model, or undefined when unknown (cost then counts as unknown, never as zero). */
export function priceOf(model: string | undefined, table: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  if (!model) return undefined;
  const exact = table[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const name of Object.keys(table)) {
    if (model.startsWith(name) && (!best || name.length > best.length)) best = name;
  }
  return best ? table[best] : undefined;
}

/** USD cost of one call's usage, or undefined for an unknown model. */
export function callCost(model: string | undefined, usage: TokenUsage | undefined, table?: PriceTable): number | undefined {
  if (!usage) return 0;
  const p = priceOf(model, table);
  if (!p) return undefined;
  return (usage.promptTokens * p.input + usage.completionTokens * p.output) / 1_000_000;
}

export interface CostSummary {
  usd: number;
  /** Calls whose model has no price (their cost is not in usd). */
  unpricedCalls: number;
}

/** Sums the cost of calls given as (model, usage) pairs. */
export function sumCost(calls: Iterable<{ model?: string; usage?: TokenUsage }>, table?: PriceTable): CostSummary {
  let usd = 0;
  let unpricedCalls = 0;
  for (const c of calls) {
    const cost = callCost(c.model, c.usage, table);
    if (cost === undefined) unpricedCalls++;
    else usd += cost;
  }
  return { usd, unpricedCalls };
}

/** The LLM calls of one model in a run, summed (the store aggregates these in SQL, so a long run costs one query). */
export interface ModelTotals {
  model?: string;
  calls: number;
  /** Calls that got a reply but recorded no usage (e.g. a stream without usage): their cost is unknown. */
  unmetered: number;
  promptTokens: number;
  completionTokens: number;
}

export interface ModelCost extends ModelTotals {
  /** USD of the metered calls; undefined when the model has no price. */
  usd?: number;
  /** Calls of this model whose cost is not in usd (unknown model, or no recorded usage). */
  unpricedCalls: number;
}

/**
 * Cost of per-model totals. Cost is linear in tokens, so pricing the sums equals summing per-call costs. Calls of
 * unknown models and replies without usage count as unpriced (never as $0); calls that failed before a reply cost 0.
 */
export function costOfTotals(totals: Iterable<ModelTotals>, table?: PriceTable): CostSummary & { byModel: ModelCost[] } {
  let usd = 0;
  let unpricedCalls = 0;
  const byModel: ModelCost[] = [];
  for (const t of totals) {
    const price = priceOf(t.model, table);
    const m: ModelCost = { ...t, unpricedCalls: price ? t.unmetered : t.calls };
    if (price) {
      m.usd = (t.promptTokens * price.input + t.completionTokens * price.output) / 1_000_000;
      usd += m.usd;
    }
    unpricedCalls += m.unpricedCalls;
    byModel.push(m);
  }
  return { usd, unpricedCalls, byModel };
}

/** "$0.0123", "$0.0123 + 2 unpriced", "unknown (2 unpriced)": unpriced calls are never shown as $0. */
export function formatCost(c: CostSummary, llmCalls?: number): string {
  if (c.unpricedCalls === 0) return formatUsd(c.usd);
  const n = `${c.unpricedCalls} unpriced`;
  return c.usd > 0 || (llmCalls !== undefined && llmCalls > c.unpricedCalls) ? `${formatUsd(c.usd)} + ${n}` : `unknown (${n})`;
}

/** Signed USD difference: "+$0.0012", "-$0.00040", "$0". */
export function formatUsdDelta(usd: number): string {
  if (usd === 0 || Math.abs(usd) < 5e-6) return '$0';
  return (usd > 0 ? '+' : '-') + formatUsd(Math.abs(usd));
}

/** Merges a user's price file over the defaults, ignoring malformed entries (returned as problems). */
export function mergePrices(user: unknown, base: PriceTable = DEFAULT_PRICES): { table: PriceTable; problems: string[] } {
  const table: PriceTable = { ...base };
  const problems: string[] = [];
  if (!user || typeof user !== 'object' || Array.isArray(user)) {
    if (user !== undefined) problems.push('price file must be a JSON object of model -> {input, output}');
    return { table, problems };
  }
  for (const [model, v] of Object.entries(user as Record<string, unknown>)) {
    const p = v as Partial<ModelPrice> | null;
    if (p && typeof p === 'object' && typeof p.input === 'number' && typeof p.output === 'number' && p.input >= 0 && p.output >= 0) {
      table[model] = { input: p.input, output: p.output };
    } else problems.push(`price of ${JSON.stringify(model)} needs numeric "input" and "output" (USD per 1M tokens)`);
  }
  return { table, problems };
}

/** "$0.0123" with enough digits for small runs. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(5)}`;
  return `$${usd.toFixed(4)}`;
}
