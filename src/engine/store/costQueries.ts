/**
 * The LLM usage aggregate behind tokens and cost (engine/runs/runCost.ts): one query per run segment (model, call
 * count, token sums) instead of loading events, so `list` stays cheap for runs with thousands of calls. Reads the
 * stored payload layout in place (see payloadModernize.ts: a format step that moves usage fields updates this too).
 */
import type Database from 'better-sqlite3';
import type { ModelTotals } from '../../shared/model/pricing.js';
import { dbOf } from './handle.js';
import type { LineageSegment } from './lineage.js';
import { KEY_OF } from './runKeys.js';
import type { TraceStore } from './store.js';

// An LLM call is "unmetered" when it got a reply but no usage: its cost is unknown. Failed calls (network error,
// HTTP >= 400, no reply) are not billed and count 0. One pass per row: SQLite caches the parsed JSON per statement.
// INDEXED BY: without statistics the planner would read the run's whole primary-key range rather than the LLM rows.
const TOTALS_SQL = `
  SELECT json_extract(payload, '$.model') AS model,
         count(*) AS calls,
         coalesce(sum(json_extract(payload, '$.usage.promptTokens')), 0) AS promptTokens,
         coalesce(sum(json_extract(payload, '$.usage.completionTokens')), 0) AS completionTokens,
         coalesce(sum(json_type(payload, '$.usage') IS NULL AND json_type(payload, '$.reply') IS NOT NULL), 0) AS unmetered
  FROM events INDEXED BY events_llm
  WHERE run_key = ${KEY_OF} AND kind = 'llm' AND seq > ? AND seq <= ?
  GROUP BY model`;

const statements = new WeakMap<Database.Database, Database.Statement>();

/** Per-model LLM totals of the given segments, merged by model. */
export function modelTotals(store: TraceStore, segments: readonly LineageSegment[]): ModelTotals[] {
  const db = dbOf(store);
  let st = statements.get(db);
  if (!st) statements.set(db, (st = db.prepare(TOTALS_SQL)));
  const byModel = new Map<string | null, ModelTotals>();
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
