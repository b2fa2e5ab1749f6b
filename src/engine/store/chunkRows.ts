/**
 * The event rows of one ingest chunk, held in memory until the chunk is written. An HTTP or LLM event is followed by
 * its patch (the response) a few lines later: merged here, the event reaches SQL once, complete, instead of being
 * inserted, read back, decoded, merged, encoded and updated (which also queued it for re-indexing by search).
 * Rows are written in the order they came, a seq written twice keeps its last row (as INSERT OR REPLACE would).
 * The ingestor writes them before anything reads events (usage totals, a patch of a row not held here) and when
 * `MAX_HELD` rows are held, so memory stays bounded whatever the chunk's size.
 */
import type Database from 'better-sqlite3';
import type { Json } from '../../shared/trace/types.js';
import type { ChunkStore } from './chunkStore.js';
import { encodePayload } from './payloadCodec.js';

/** Rows held before they are written (a patch further away than this is merged in SQL). */
const MAX_HELD = 2048;
/** Rows per multi-row INSERT: one statement call per 32 rows costs less than 32 calls (binding, stepping, resetting). */
export const ROWS_PER_INSERT = 32;
/** Columns bound per row, in this order: run, seq, end_seq, batched, kind, ts, payload, fingerprint, parent_seq. */
const COLS = 9;

interface HeldRow {
  seq: number;
  endSeq: number;
  batched: 0 | 1;
  kind: string;
  ts: number;
  /** A single event's payload (serialized when written), or a batch row's stored text. */
  payload: Json;
  text: string | undefined;
  fp: string | null;
  parent: number | null;
}

export class ChunkRows {
  private readonly held = new Map<number, HeldRow>();

  /** `insert` writes one row (the COLS columns), `insertMany` ROWS_PER_INSERT rows. */
  constructor(
    private readonly insert: Database.Statement,
    private readonly insertMany: Database.Statement,
    private readonly run: string | number,
    /** Where large payloads keep their chunks (absent in a store opened with an older migration list). */
    private readonly chunks?: ChunkStore,
  ) {}

  /** One event (its payload already masked and merged with patches that came before it). */
  event(seq: number, kind: string, ts: number, payload: Json, fp: string | null, parent: number | null): void {
    this.hold({ seq, endSeq: seq, batched: 0, kind, ts, payload, text: undefined, fp, parent });
  }

  /** A batch row of values seq..endSeq, its payload text as stored. */
  batch(seq: number, endSeq: number, kind: string, ts: number, text: string, parent: number | null): void {
    this.hold({ seq, endSeq, batched: 1, kind, ts, payload: null, text, fp: null, parent });
  }

  /**
   * Merges patch fields into a held single event; returns its kind, or undefined when the event is not held here
   * (stored by an earlier chunk, not seen yet, or a batch row).
   */
  patch(seq: number, fields: Record<string, Json>): string | undefined {
    const row = this.held.get(seq);
    if (!row || row.batched) return undefined;
    const payload = row.payload as Record<string, Json>;
    // The held payload is this ingestor's own parse: merged in place (as a spread would, without copying it). A
    // `__proto__` field (only a hostile journal has one) must stay a plain field: Object.assign would set the prototype.
    if (payload !== null && typeof payload === 'object' && !Array.isArray(payload) && !Object.hasOwn(fields, '__proto__')) Object.assign(payload, fields);
    else row.payload = { ...payload, ...fields };
    return row.kind;
  }

  /** Writes the held rows. */
  flush(): void {
    const params: unknown[] = [];
    for (const r of this.held.values()) {
      params.push(this.run, r.seq, r.endSeq, r.batched, r.kind, r.ts, r.text ?? encodePayload(JSON.stringify(r.payload), r.payload, this.chunks), r.fp, r.parent);
      if (params.length === ROWS_PER_INSERT * COLS) {
        this.insertMany.run(params);
        params.length = 0;
      }
    }
    for (let i = 0; i < params.length; i += COLS) this.insert.run(params.slice(i, i + COLS));
    this.held.clear();
  }

  private hold(row: HeldRow): void {
    // A seq held again replaces the earlier row in the write order too (delete, then set at the end).
    if (this.held.has(row.seq)) this.held.delete(row.seq);
    else if (this.held.size >= MAX_HELD) this.flush();
    this.held.set(row.seq, row);
  }
}
