/**
 * Store writes of a trace file import (engine/traceFile/importTrace.ts): run rows, their event and keyframe rows
 * copied from the import's staging database (same table layout), and blobs. The caller runs all of it inside ONE
 * store transaction, so a failing import leaves the store exactly as it was. Rows are copied as they are: the import
 * has validated them, and they are not masked again (masking would change content-addressed blobs and make a
 * re-import look like different content).
 */
import type { Json, RunMeta, RunStatus } from '../../shared/trace/types.js';
import { blobRows } from './blobRows.js';
import { chunkStore } from './chunkStore.js';
import { dbOf } from './handle.js';
import { COMPRESS_MIN_CHARS, encodePayload } from './payloadCodec.js';
import { ensureRunKey, KEY_OF } from './runKeys.js';
import { eventRows, keyframeRows } from './runRows.js';
import type { Staging } from './staging.js';
import type { TraceStore } from './store.js';

/**
 * A run row as an import writes it: the run's metadata (mode as the file says it) plus its outcome; host-only
 * columns (host pid, journal offset) start empty.
 */
export interface ImportedRunRow extends Omit<RunMeta, 'mode'> {
  overrides?: Record<string, Json>;
  mode: string;
  endedAt: number | null;
  status: RunStatus;
  exitCode: number | null;
  exitSignal: string | null;
  steps: number;
  llmCalls: number;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  warnings: string[];
}

/** Inserts a run row; `replace` overwrites an existing one (completing a partial copy). */
export function writeRunRow(store: TraceStore, r: ImportedRunRow, replace: boolean): void {
  dbOf(store)
    .prepare(
      `INSERT ${replace ? 'OR REPLACE ' : ''}INTO runs (id, name, parent_id, fork_seq, overrides, script_path, script_sha256, script_source, argv, cwd, env,
         node_version, sdk_version, format_version, mode, keyframe_every, started_at, ended_at, pid, host_pid, status, exit_code, exit_signal,
         steps, llm_calls, prompt_tokens, completion_tokens, total_tokens, warnings, journal_offset)
       VALUES (@id, @name, @parent_id, @fork_seq, @overrides, @script_path, @script_sha256, @script_source, @argv, @cwd, @env,
         @node_version, @sdk_version, @format_version, @mode, @keyframe_every, @started_at, @ended_at, @pid, NULL, @status, @exit_code, @exit_signal,
         @steps, @llm_calls, @prompt_tokens, @completion_tokens, @total_tokens, @warnings, 0)`,
    )
    .run({
      id: r.id,
      name: r.name ?? null,
      parent_id: r.parentId ?? null,
      fork_seq: r.forkSeq ?? null,
      overrides: r.overrides === undefined ? null : JSON.stringify(r.overrides),
      script_path: r.scriptPath,
      script_sha256: r.scriptSha256,
      script_source: r.scriptSource ?? null,
      argv: JSON.stringify(r.argv),
      cwd: r.cwd,
      env: JSON.stringify(r.env),
      node_version: r.nodeVersion,
      sdk_version: r.sdkVersion,
      format_version: r.formatVersion,
      mode: r.mode,
      keyframe_every: r.keyframeEvery,
      started_at: r.startedAt,
      ended_at: r.endedAt,
      pid: r.pid,
      status: r.status,
      exit_code: r.exitCode,
      exit_signal: r.exitSignal,
      steps: r.steps,
      llm_calls: r.llmCalls,
      prompt_tokens: r.usage.promptTokens,
      completion_tokens: r.usage.completionTokens,
      total_tokens: r.usage.totalTokens,
      warnings: JSON.stringify(r.warnings),
    });
}

/** Removes a run's events and keyframes (before its complete rows replace a partial copy). */
export function clearRunRows(store: TraceStore, runId: string): void {
  const db = dbOf(store);
  db.prepare(`DELETE FROM events WHERE run_key = ${KEY_OF}`).run(runId);
  db.prepare(`DELETE FROM keyframes WHERE run_key = ${KEY_OF}`).run(runId);
}

/** Copies a run's event and keyframe rows from the staging database. Returns the rows copied. */
export function copyRunRows(store: TraceStore, from: Staging, runId: string): { events: number; keyframes: number } {
  const db = dbOf(store);
  const insEv = db.prepare('INSERT INTO events (run_key, seq, end_seq, batched, kind, ts, payload, fingerprint, parent_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insKf = db.prepare('INSERT INTO keyframes (run_key, seq, data) VALUES (?, ?, ?)');
  const key = ensureRunKey(db, runId);
  // Stored as ingest stores them: large payloads compressed or chunked (payloadCodec.ts).
  const chunks = chunkStore(db);
  // Through encodePayload whatever the size: a short text that starts like an encoded one must be encoded too.
  const stored = (text: string, parse: boolean): string => encodePayload(text, parse && text.length >= COMPRESS_MIN_CHARS ? JSON.parse(text) : undefined, chunks);
  let events = 0;
  let keyframes = 0;
  for (const e of eventRows(from, runId)) {
    insEv.run(key, e.seq, e.end_seq, e.batched, e.kind, e.ts, e.batched ? e.payload : stored(e.payload, true), e.fingerprint, e.parent_seq);
    events++;
  }
  for (const k of keyframeRows(from, runId)) {
    insKf.run(key, k.seq, stored(k.data, false));
    keyframes++;
  }
  return { events, keyframes };
}

/** Copies the staged blobs the store does not have yet; returns how many were added. */
export function copyBlobs(store: TraceStore, from: Staging): number {
  const to = blobRows(dbOf(store));
  const staged = blobRows(dbOf(from));
  let added = 0;
  for (const hash of dbOf(from).prepare('SELECT hash FROM blobs').pluck().iterate() as IterableIterator<string>) {
    if (to.has(hash)) continue;
    // Staged blobs are as the trace file holds them; the store keeps them deflated or chunked (blobRows.ts).
    to.put(hash, staged.get(hash) as Buffer);
    added++;
  }
  return added;
}

/** Whether the store holds a blob. */
export function hasBlob(store: TraceStore, hash: string): boolean {
  return blobRows(dbOf(store)).has(hash);
}
