/**
 * Store reads and writes of the AutoFix data a trace file carries (format v2, engine/traceFile/v2.ts): the failure
 * detected in a run (runs.failure / runs.failure_class, migration 3) and the fix reports of the exported runs. The
 * history of applies (`fix_applies`) is never read here: it holds the text of the user's own files as they were
 * before an apply, which belongs to that machine and is not part of a run.
 * Imports are idempotent like runs: what the store already has is kept, so importing a file twice changes nothing.
 * Everything written is masked with the store's masker first, like every other write (no secret reaches disk).
 */
import type { FixReport } from '../../shared/afe/types.js';
import { writeFix } from './fixStore.js';
import { dbOf } from './handle.js';
import type { TraceStore } from './store.js';

/** The fix reports of one run, oldest first (JSON text as stored). */
export function fixReportTexts(store: TraceStore, runId: string): string[] {
  return dbOf(store).prepare('SELECT report FROM fixes WHERE run_id = ? ORDER BY created_at, id').pluck().all(runId) as string[];
}

/**
 * Stores a fix report from a trace file unless a fix with its id exists (kept as it is: it may have been applied
 * here since, and its apply history refers to it). Returns whether it was added.
 */
export function importFix(store: TraceStore, fromFile: FixReport): boolean {
  // A report from a file never writes this machine's files: its paths and patches were chosen elsewhere.
  return writeFix(store, { ...fromFile, importedAt: Date.now() }, 'keep');
}
