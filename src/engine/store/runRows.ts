/**
 * Raw rows of a run (events as stored — cheap values stay batched — and keyframes), for trace files: the export
 * writes them as they are (payloads decoded: payloadCodec.ts) and the import compares a stored run with a file's. Read from the store itself or from an
 * import's staging database (same tables). Payloads stay in the run's stored format: a file carries the run's
 * formatVersion with them, and whoever reads them modernizes (store.getEvents).
 */
import { dbOf } from './handle.js';
import { chunkStore } from './chunkStore.js';
import { decodePayload } from './payloadCodec.js';
import type { EventRow } from './rows.js';
import { KEY_OF } from './runKeys.js';
import type { Staging } from './staging.js';
import type { TraceStore } from './store.js';

export interface RawEventRow extends EventRow {
  run_id?: string;
}

export interface RawKeyframeRow {
  seq: number;
  data: string;
}

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** Event rows of a run in seq order, up to seq `upTo` (a batch that straddles it is cut there). */
export function* eventRows(from: TraceStore | Staging, runId: string, upTo = NO_LIMIT): Generator<RawEventRow> {
  const db = dbOf(from);
  const chunks = chunkStore(db);
  const stmt = db.prepare(`SELECT seq, end_seq, batched, kind, ts, payload, fingerprint, parent_seq FROM events WHERE run_key = ${KEY_OF} AND seq <= ? ORDER BY seq`);
  for (const row of stmt.iterate(runId, upTo) as IterableIterator<RawEventRow>) {
    if (!row.batched) row.payload = decodePayload(row.payload, chunks);
    yield row.end_seq > upTo ? cutBatch(row, upTo) : row;
  }
}

/** Keyframe rows of a run in seq order, up to seq `upTo`. */
export function keyframeRows(from: TraceStore | Staging, runId: string, upTo = NO_LIMIT): RawKeyframeRow[] {
  const db = dbOf(from);
  const rows = db.prepare(`SELECT seq, data FROM keyframes WHERE run_key = ${KEY_OF} AND seq <= ? ORDER BY seq`).all(runId, upTo) as RawKeyframeRow[];
  const chunks = chunkStore(db);
  for (const r of rows) r.data = decodePayload(r.data, chunks);
  return rows;
}

/**
 * A batched row shortened to end at `upTo` (the same cut the ingestor makes at a branch's fork, from the other
 * side). Payload layout as ingest.ts writes it: {source, values} or {source, f64: base64 float64 LE}.
 */
export function cutBatch(row: RawEventRow, upTo: number): RawEventRow {
  if (!row.batched || row.end_seq <= upTo) return row;
  const n = upTo - row.seq + 1;
  const p = JSON.parse(row.payload) as { source: string; values?: unknown[]; f64?: string };
  const payload =
    p.f64 !== undefined ? JSON.stringify({ source: p.source, f64: Buffer.from(p.f64, 'base64').subarray(0, n * 8).toString('base64') }) : JSON.stringify({ source: p.source, values: (p.values ?? []).slice(0, n) });
  return { ...row, end_seq: upTo, payload };
}
