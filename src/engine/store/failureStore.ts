/**
 * The failure detected in a run (migration 3: `runs.failure_class` and `runs.failure`, a JSON Failure). Written after
 * every recording, branch and resume run by the AutoFix Engine's detection, read by `list`, `show` and `fix`.
 * The JSON is masked with the store's secrets before it is written, like every other byte of the store.
 */
import { FAILURE_CLASSES, type Failure, type FailureClass } from '../../shared/afe/types.js';
import { dbOf } from './handle.js';
import type { TraceStore } from './store.js';

/**
 * Stores (or, with null, clears) the failure of a run. A run that is not in the store is left alone. `keep`: only
 * when the run has none yet (a trace file's failure never replaces what this store detected); returns whether it
 * was written.
 */
export function saveFailure(store: TraceStore, runId: string, failure: Failure | null, opts: { keep?: boolean } = {}): boolean {
  const text = failure ? JSON.stringify(store.masker.json(failure, JSON.stringify(failure))) : null;
  const sql = `UPDATE runs SET failure_class = ?, failure = ? WHERE id = ?${opts.keep ? ' AND failure IS NULL' : ''}`;
  return dbOf(store).prepare(sql).run(failure ? failure.class : null, text, runId).changes > 0;
}

/** The stored failure of a run; undefined when none was detected (a clean run, or not analysed yet). */
export function getFailure(store: TraceStore, runId: string): Failure | undefined {
  const row = dbOf(store).prepare('SELECT failure FROM runs WHERE id = ?').get(runId) as { failure: string | null } | undefined;
  if (!row?.failure) return undefined;
  try {
    return JSON.parse(row.failure) as Failure;
  } catch {
    return undefined;
  }
}

/** The failure classes of some runs (runs without a failure are absent from the map). */
export function failureClasses(store: TraceStore, runIds: readonly string[]): Map<string, FailureClass> {
  const out = new Map<string, FailureClass>();
  if (runIds.length === 0) return out;
  const stmt = dbOf(store).prepare('SELECT id, failure_class AS cls FROM runs WHERE id = ? AND failure_class IS NOT NULL');
  for (const id of runIds) {
    const row = stmt.get(id) as { id: string; cls: string } | undefined;
    if (row && (FAILURE_CLASSES as readonly string[]).includes(row.cls)) out.set(row.id, row.cls as FailureClass);
  }
  return out;
}

/** Ids of the runs whose failure has this class, newest first. */
export function runsWithFailure(store: TraceStore, cls: FailureClass, opts: { limit?: number } = {}): string[] {
  const rows = dbOf(store).prepare('SELECT id FROM runs WHERE failure_class = ? ORDER BY started_at DESC, id LIMIT ?').all(cls, opts.limit ?? -1) as { id: string }[];
  return rows.map((r) => r.id);
}
