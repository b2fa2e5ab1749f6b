/**
 * Tokens and cost of runs and branches from their recorded LLM usage (per-segment aggregates: store/costQueries.ts).
 * A branch stores only its own events (after its fork); its inherited calls are its ancestors' up to the fork, as
 * its RunLineage's segments say.
 */
import { costOfTotals, type ModelCost, type PriceTable } from '../../shared/model/pricing.js';
import type { RunSummary } from '../../shared/rpc/contract.js';
import type { TokenUsage } from '../../shared/trace/types.js';
import { modelTotals } from '../store/costQueries.js';
import { ownSegment, type LineageSegment } from '../store/lineage.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';

export interface RunCost {
  llmCalls: number;
  usage: TokenUsage;
  /** USD of the priced calls. */
  usd: number;
  /** Calls whose cost is unknown (model without a price, or a reply without recorded usage); not in usd. */
  unpricedCalls: number;
  byModel: ModelCost[];
}

/** A branch's cost split: its own calls (after the fork) and the calls it inherits from its ancestors. */
export interface LineageCost {
  own: RunCost;
  inherited: RunCost;
  /** own + inherited: the whole execution the branch represents (what `diff` compares). */
  total: RunCost;
}

/** Cost of a set of run segments. */
export function costOfSegments(store: TraceStore, segments: readonly LineageSegment[], table: PriceTable): RunCost {
  const totals = modelTotals(store, segments);
  const { usd, unpricedCalls, byModel } = costOfTotals(totals, table);
  const promptTokens = totals.reduce((n, t) => n + t.promptTokens, 0);
  const completionTokens = totals.reduce((n, t) => n + t.completionTokens, 0);
  return {
    llmCalls: totals.reduce((n, t) => n + t.calls, 0),
    usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
    usd,
    unpricedCalls,
    byModel,
  };
}

/** Cost of the run's own calls (for a branch: after its fork) — consistent with the run's llmCalls and tokens. */
export function ownCost(store: TraceStore, run: Pick<StoredRun, 'id' | 'parentId' | 'forkSeq'>, table: PriceTable): RunCost {
  return costOfSegments(store, [ownSegment(run)], table);
}

/** Own, inherited and total cost of a run (a recorded run inherits nothing). */
export function lineageCost(store: TraceStore, run: StoredRun, table: PriceTable): LineageCost {
  const own = ownCost(store, run, table);
  // Nearest ancestor first: byModel lists models in the order they are first met, the branch's own calls leading.
  const inheritedSegs = [...store.lineage(run).inherited].reverse();
  const inherited = costOfSegments(store, inheritedSegs, table);
  const total = inheritedSegs.length === 0 ? own : costOfSegments(store, [ownSegment(run), ...inheritedSegs], table);
  return { own, inherited, total };
}

/** The `costUsd` / `unpricedCalls` fields of a run: costUsd is absent when calls exist and none could be priced. */
export function costFields(c: Pick<RunCost, 'usd' | 'unpricedCalls' | 'llmCalls'>): { costUsd?: number; unpricedCalls: number } {
  const unknown = c.unpricedCalls > 0 && c.unpricedCalls >= c.llmCalls;
  return unknown ? { unpricedCalls: c.unpricedCalls } : { costUsd: c.usd, unpricedCalls: c.unpricedCalls };
}

/** Adds each run's own cost to a page of run summaries (list, workbench listRuns). */
export function withCosts<T extends RunSummary>(store: TraceStore, runs: readonly T[], table: PriceTable): T[] {
  return runs.map((r) => ({ ...r, ...costFields(ownCost(store, r, table)) }));
}
