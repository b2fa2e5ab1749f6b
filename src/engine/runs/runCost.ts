/**
 * Tokens and cost of runs and branches from their recorded LLM usage. One aggregate query per run segment (model,
 * call count, token sums) instead of loading events, so `list` stays cheap for runs with thousands of calls.
 * A branch stores only its own events (after its fork); its inherited calls are its ancestors' up to the fork.
 */
import type Database from 'better-sqlite3';
import { costOfTotals, type ModelCost, type ModelTotals, type PriceTable } from '../../shared/model/pricing.js';
import type { RunSummary } from '../../shared/rpc/contract.js';
import type { TokenUsage } from '../../shared/trace/types.js';
import { NotFoundError } from '../errors.js';
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

/** Events of run `runId` with after < seq <= upTo. */
interface Segment {
  runId: string;
  after: number;
  upTo: number;
}

const NO_SEQ = -1;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

// An LLM call is "unmetered" when it got a reply but no usage: its cost is unknown. Failed calls (network error,
// HTTP >= 400, no reply) are not billed and count 0. One pass per row: SQLite caches the parsed JSON per statement.
const TOTALS_SQL = `
  SELECT json_extract(payload, '$.model') AS model,
         count(*) AS calls,
         coalesce(sum(json_extract(payload, '$.usage.promptTokens')), 0) AS promptTokens,
         coalesce(sum(json_extract(payload, '$.usage.completionTokens')), 0) AS completionTokens,
         coalesce(sum(json_type(payload, '$.usage') IS NULL AND json_type(payload, '$.reply') IS NOT NULL), 0) AS unmetered
  FROM events
  WHERE run_id = ? AND kind = 'llm' AND seq > ? AND seq <= ?
  GROUP BY model`;

const statements = new WeakMap<Database.Database, Database.Statement>();

function totalsStatement(db: Database.Database): Database.Statement {
  let st = statements.get(db);
  if (!st) {
    st = db.prepare(TOTALS_SQL);
    statements.set(db, st);
  }
  return st;
}

/** Per-model LLM totals of the given segments, merged by model. */
export function modelTotals(store: TraceStore, segments: readonly Segment[]): ModelTotals[] {
  const byModel = new Map<string | null, ModelTotals>();
  const st = totalsStatement(store.db);
  for (const seg of segments) {
    for (const r of st.all(seg.runId, seg.after, seg.upTo) as { model: unknown; calls: number; promptTokens: number; completionTokens: number; unmetered: number }[]) {
      const model = typeof r.model === 'string' ? r.model : null;
      const t = byModel.get(model) ?? { calls: 0, unmetered: 0, promptTokens: 0, completionTokens: 0, ...(model === null ? {} : { model }) };
      t.calls += r.calls;
      t.unmetered += r.unmetered;
      t.promptTokens += Number(r.promptTokens) || 0;
      t.completionTokens += Number(r.completionTokens) || 0;
      byModel.set(model, t);
    }
  }
  return [...byModel.values()];
}

/** Cost of a set of run segments. */
export function costOfSegments(store: TraceStore, segments: readonly Segment[], table: PriceTable): RunCost {
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

/** The segment a run stores itself: everything for a recorded run, only seqs after the fork for a branch. */
function ownSegment(run: Pick<StoredRun, 'id' | 'forkSeq'>): Segment {
  return { runId: run.id, after: run.forkSeq ?? NO_SEQ, upTo: MAX_SEQ };
}

/**
 * The segments a branch inherits: its parent's events up to the fork, recursively (a branch of a branch). Mirrors
 * eventsOfTree (engine/replay/tapeFromStore.ts), which loads the events themselves.
 */
export function inheritedSegments(store: TraceStore, run: StoredRun): Segment[] {
  const out: Segment[] = [];
  let child = run;
  let upTo = MAX_SEQ;
  const seen = new Set([run.id]);
  while (child.parentId !== undefined && child.forkSeq !== undefined) {
    upTo = Math.min(upTo, child.forkSeq);
    const parent = store.findRun(child.parentId);
    if (!parent) throw new NotFoundError(`run ${child.id} forks from ${child.parentId}, which is not in the store`, 'import or re-record the parent run');
    // A damaged store with a parent cycle must not loop forever.
    if (seen.has(parent.id)) break;
    seen.add(parent.id);
    out.push({ runId: parent.id, after: parent.forkSeq !== undefined ? Math.min(parent.forkSeq, upTo) : NO_SEQ, upTo });
    child = parent;
  }
  return out;
}

/** Cost of the run's own calls (for a branch: after its fork) — consistent with the run's llmCalls and tokens. */
export function ownCost(store: TraceStore, run: Pick<StoredRun, 'id' | 'forkSeq'>, table: PriceTable): RunCost {
  return costOfSegments(store, [ownSegment(run)], table);
}

/** Own, inherited and total cost of a run (a recorded run inherits nothing). */
export function lineageCost(store: TraceStore, run: StoredRun, table: PriceTable): LineageCost {
  const own = ownCost(store, run, table);
  const inheritedSegs = inheritedSegments(store, run);
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
