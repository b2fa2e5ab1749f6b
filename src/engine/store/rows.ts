/** Mapping between SQL rows and the store's shapes. Batched rows expand to one event per value here. */
import { applyPayloadSteps, type PayloadStep } from '../../shared/trace/payloadModernize.js';
import type { EventKind, Json, RunMeta, RunStatus, TraceEvent } from '../../shared/trace/types.js';
import type { RunListItem, StoredRun } from './storeTypes.js';
import type { ChunkStore } from './chunkStore.js';
import { decodePayload } from './payloadCodec.js';

export interface RunRow {
  id: string;
  name: string | null;
  parent_id: string | null;
  fork_seq: number | null;
  overrides: string | null;
  script_path: string;
  script_sha256: string;
  script_source: string | null;
  argv: string;
  cwd: string;
  env: string;
  node_version: string;
  sdk_version: string;
  format_version: number;
  mode: string;
  keyframe_every: number;
  started_at: number;
  ended_at: number | null;
  pid: number | null;
  host_pid: number | null;
  status: RunStatus;
  exit_code: number | null;
  exit_signal: string | null;
  steps: number;
  llm_calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  warnings: string;
  journal_offset: number;
  revision: number;
}

export interface EventRow {
  seq: number;
  end_seq: number;
  batched: number;
  kind: string;
  ts: number;
  payload: string;
  fingerprint: string | null;
  parent_seq: number | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : null);

/**
 * Columns written from a RunMeta (run line of a journal). Every field is type-checked: a damaged journal must not
 * be able to abort the ingest transaction with a value SQLite cannot bind.
 */
export function metaParams(meta: RunMeta): Record<string, unknown> {
  return {
    id: meta.id,
    name: str(meta.name),
    parent_id: str(meta.parentId),
    fork_seq: int(meta.forkSeq),
    script_path: str(meta.scriptPath) ?? '',
    script_sha256: str(meta.scriptSha256) ?? '',
    script_source: str(meta.scriptSource),
    argv: JSON.stringify(Array.isArray(meta.argv) ? meta.argv.map(String) : []),
    cwd: str(meta.cwd) ?? '',
    env: JSON.stringify(meta.env && typeof meta.env === 'object' ? meta.env : {}),
    node_version: str(meta.nodeVersion) ?? '',
    sdk_version: str(meta.sdkVersion) ?? '',
    format_version: int(meta.formatVersion) ?? 1,
    mode: str(meta.mode) ?? 'record',
    keyframe_every: int(meta.keyframeEvery) ?? 10,
    started_at: int(meta.startedAt) ?? Date.now(),
    pid: int(meta.pid),
  };
}

export function rowToRun(r: RunRow): StoredRun {
  const run: StoredRun = {
    id: r.id,
    scriptPath: r.script_path,
    scriptSha256: r.script_sha256,
    argv: JSON.parse(r.argv) as string[],
    cwd: r.cwd,
    env: JSON.parse(r.env) as Record<string, string>,
    nodeVersion: r.node_version,
    sdkVersion: r.sdk_version,
    formatVersion: r.format_version,
    mode: r.mode as StoredRun['mode'],
    keyframeEvery: r.keyframe_every,
    startedAt: r.started_at,
    pid: r.pid ?? 0,
    status: r.status,
    exitCode: r.exit_code,
    exitSignal: r.exit_signal,
    endedAt: r.ended_at,
    steps: r.steps,
    llmCalls: r.llm_calls,
    usage: { promptTokens: r.prompt_tokens, completionTokens: r.completion_tokens, totalTokens: r.total_tokens },
    warnings: JSON.parse(r.warnings) as string[],
  };
  if (r.name !== null) run.name = r.name;
  if (r.parent_id !== null) run.parentId = r.parent_id;
  if (r.fork_seq !== null) run.forkSeq = r.fork_seq;
  if (r.overrides !== null) run.overrides = JSON.parse(r.overrides) as Record<string, Json>;
  if (r.script_source !== null) run.scriptSource = r.script_source;
  if (r.host_pid !== null) run.hostPid = r.host_pid;
  return run;
}

export function rowToListItem(r: RunRow): RunListItem {
  const item: RunListItem = {
    id: r.id,
    scriptPath: r.script_path,
    status: r.status,
    steps: r.steps,
    llmCalls: r.llm_calls,
    totalTokens: r.total_tokens,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    startedAt: r.started_at,
    exitCode: r.exit_code,
  };
  if (r.name !== null) item.name = r.name;
  if (r.parent_id !== null) item.parentId = r.parent_id;
  if (r.fork_seq !== null) item.forkSeq = r.fork_seq;
  if (r.ended_at !== null) {
    item.endedAt = r.ended_at;
    item.durationMs = Math.max(0, r.ended_at - r.started_at);
  }
  return item;
}

/** Little-endian float64 values of an `f64` batch (see JournalBatch.f64). */
function decodeF64(b64: string): Float64Array {
  const buf = Buffer.from(b64, 'base64');
  const n = Math.floor(buf.byteLength / 8);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.readDoubleLE(i * 8);
  return out;
}

/**
 * Expands one row into events with seq in [from, to], appending to out; stops at limit. Returns false at limit.
 * `steps`: the payload modernizer steps of the run's format version (empty for a run of the current format).
 */
export function expandRow(r: EventRow, from: number, to: number, out: TraceEvent[], limit: number, steps: readonly PayloadStep[] = [], chunks?: Pick<ChunkStore, 'get'>): boolean {
  const payloadOf = (kind: EventKind, p: Json): TraceEvent['payload'] => (steps.length === 0 ? (p as unknown as TraceEvent['payload']) : applyPayloadSteps(kind, p, steps));
  if (!r.batched) {
    if (r.seq < from || r.seq > to) return true;
    const ev: TraceEvent = { seq: r.seq, kind: r.kind as EventKind, ts: r.ts, payload: payloadOf(r.kind as EventKind, JSON.parse(decodePayload(r.payload, chunks)) as Json) };
    if (r.fingerprint !== null) ev.fingerprint = r.fingerprint;
    if (r.parent_seq !== null) ev.parentSeq = r.parent_seq;
    out.push(ev);
    return out.length < limit;
  }
  const parsed = JSON.parse(r.payload) as { source: string; values?: Json[]; f64?: string; lib?: boolean };
  const { source } = parsed;
  const lib = parsed.lib === true;
  const values: ArrayLike<Json> = parsed.f64 !== undefined ? decodeF64(parsed.f64) : (parsed.values ?? []);
  const first = Math.max(from, r.seq);
  const last = Math.min(to, r.end_seq);
  for (let s = first; s <= last; s++) {
    if (out.length >= limit) return false;
    const ev: TraceEvent = { seq: s, kind: r.kind as EventKind, ts: r.ts, payload: payloadOf(r.kind as EventKind, lib ? { source, value: values[s - r.seq], lib } : { source, value: values[s - r.seq] }) };
    if (r.parent_seq !== null) ev.parentSeq = r.parent_seq;
    out.push(ev);
  }
  return out.length < limit;
}
