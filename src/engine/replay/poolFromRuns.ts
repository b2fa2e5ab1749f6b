/**
 * The fallback pool of a replay (Tape.pool, policy `fallback`): the LLM and HTTP calls recorded in other runs of the
 * same script, so a patched agent's request that its own recording never made can be answered with what that exact
 * request (same fingerprint) got in another run. Built exactly like a tape's `calls` (shared buildTape), each entry
 * tagged with the run it comes from. Branches contribute their whole timeline (the parent's calls up to the fork).
 */
import type { TapeCall } from '../../shared/trace/tape.js';
import { buildTape } from '../../shared/trace/tapeBuilder.js';
import type { TraceStore } from '../store/store.js';

/** The calls of `runIds` (ids or unique prefixes), in the order given, each run's in its recorded issue order. */
export function poolFromRuns(store: TraceStore, runIds: readonly string[]): TapeCall[] {
  const pool: TapeCall[] = [];
  const seen = new Set<string>();
  for (const ref of runIds) {
    const run = store.getRun(store.resolveRunId(ref));
    if (seen.has(run.id)) continue;
    seen.add(run.id);
    const events = store.lineage(run).events({ kinds: ['llm', 'http'] });
    const { calls } = buildTape({ runId: run.id, events, recordedStatus: run.status, blobB64: (hash) => store.getBlob(hash)?.toString('base64') });
    for (const call of calls) pool.push({ ...call, runId: run.id });
  }
  return pool;
}
