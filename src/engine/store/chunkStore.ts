/**
 * Content-defined chunks shared by large stored values (payloads: payloadCodec.ts marker 3; blobs: a row with
 * `chunked = 1`). A value is cut where a rolling hash of its last bytes hits a pattern, so an edit moves only the
 * cuts next to it: a conversation resent with one more turn cuts like the previous call up to the new turn, and only
 * the chunks around the change are new. Each chunk is stored once, keyed by its hash, deflated with the payloads'
 * dictionary when that is smaller; a value keeps the list of its chunk keys. So a run of growing calls stores each
 * turn about once instead of once per later call.
 * Keys are the first CHUNK_KEY_BYTES bytes of the chunk's sha256, computed here from content the store itself
 * writes (an import is chunked again, never trusted): two different chunks would need a 128-bit second preimage to
 * share a key. Like blobs, chunks are kept when a run is deleted (a re-run of a branch stores the same chunks again).
 * IMPORTANT: the cut points may change between builds (a value decodes from its key list whatever cut it), but a
 * key is always that hash of the chunk's bytes, and a chunk's data is inflated with DICT_1.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { deflateRawSync } from 'node:zlib';
import { decodeBlob } from './blobCodec.js';
import { hasTable } from './migrations.js';
import { DICT_1 } from './payloadDictionary.js';

export const CHUNK_KEY_BYTES = 16;
/** No cut before this many bytes of a chunk, none after the maximum; chunks average about MIN_CHUNK + 4 KB. */
const MIN_CHUNK = 1024;
const MAX_CHUNK = 16 * 1024;
/** A cut where the hash's top 12 bits are 0 (1 in 4096). The low bits would depend on the last few bytes only. */
const CUT_SHIFT = 20;
/** Bytes the gear hash spans (its 32 bits shift one per byte). */
const WINDOW = 32;
/**
 * Chunks are deflated with the payloads' dictionary (a call's first chunk, its headers, is new every time and mostly
 * the dictionary's text), at level 6, small ones too: each is written once and most are a few KB (level 1 without
 * the dictionary took 15-25% more bytes in all).
 */
const CHUNK_DEFLATE = { level: 6, dictionary: DICT_1 };

/** A chunk's stored data: deflated when that is smaller, else the bytes (read back by decodeBlob with DICT_1). */
function encodeChunk(chunk: Buffer): Buffer {
  const z = deflateRawSync(chunk, CHUNK_DEFLATE);
  return z.byteLength < chunk.byteLength ? z : chunk;
}

/**
 * One pseudo-random 32-bit value per byte value (xorshift32 from a fixed seed): the rolling hash's table. Signed, so
 * the hash stays a small integer in the loop (an unsigned entry makes each sum a double: twice as slow).
 */
const GEAR = (() => {
  const t = new Int32Array(256);
  let x = 0x9e3779b9;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    t[i] = x;
  }
  return t;
})();

/**
 * End offsets of the chunks of `bytes` (the last is bytes.length). The hash is a gear hash: shifted left once per
 * byte, so a cut depends on the last 32 bytes only (the hash starts 32 bytes before the first allowed cut), and its
 * top bits on all of them. A chunk that reaches MAX_CHUNK without a cut ends where the hash was lowest in its second
 * half: still a point the content chose, where a fixed cut would shift with every byte inserted before it. Text that
 * repeats with a short period (which never hits the pattern) is so cut at the same phase of its period every time,
 * and a repeated prompt keeps its chunks whatever its offset in the value.
 */
export function chunkEnds(bytes: Uint8Array): number[] {
  const ends: number[] = [];
  const n = bytes.length;
  let start = 0;
  while (start < n) {
    const max = Math.min(n, start + MAX_CHUNK);
    const first = start + MIN_CHUNK;
    let end = max;
    if (first < max) {
      let h = 0;
      let cut = -1;
      let low = 0xffffffff;
      let lowAt = max - 1;
      // The fallback cut is taken in the chunk's second half: a chunk cut there was scanned at most twice.
      const lowFrom = start + MAX_CHUNK / 2;
      for (let i = first - WINDOW; i < max; i++) {
        h = ((h << 1) + GEAR[bytes[i]]) | 0;
        if (i < first) continue;
        const u = h >>> 0;
        if (u >>> CUT_SHIFT === 0) {
          cut = i + 1;
          break;
        }
        if (u < low && i >= lowFrom) {
          low = u;
          lowAt = i;
        }
      }
      // No cut: at the lowest hash, unless the value ends here (its last chunk).
      end = cut >= 0 ? cut : max < n ? lowAt + 1 : max;
    }
    ends.push(end);
    start = end;
  }
  return ends;
}

export interface ChunkStore {
  /** Stores the chunks of `bytes` that are not stored yet; returns the value's key list. */
  put(bytes: Buffer): Buffer;
  /** The value a key list stands for; throws when a chunk is missing or damaged. */
  get(keys: Buffer): Buffer;
}

const stores = new WeakMap<Database.Database, ChunkStore | null>();

/** The chunk store of `db`; undefined for a database without the chunks table (opened with an older migration list). */
export function chunkStore(db: Database.Database): ChunkStore | undefined {
  let s = stores.get(db);
  if (s === undefined) stores.set(db, (s = hasTable(db, 'chunks') ? makeChunkStore(db) : null));
  return s ?? undefined;
}

function makeChunkStore(db: Database.Database): ChunkStore {
  const has = db.prepare('SELECT 1 FROM chunks WHERE key = ?').pluck();
  const insert = db.prepare('INSERT OR IGNORE INTO chunks (key, size, data) VALUES (?, ?, ?)');
  const read = db.prepare('SELECT size, data FROM chunks WHERE key = ?');
  return {
    put(bytes) {
      const list: Buffer[] = [];
      let start = 0;
      for (const end of chunkEnds(bytes)) {
        const chunk = bytes.subarray(start, end);
        start = end;
        const key = createHash('sha256').update(chunk).digest().subarray(0, CHUNK_KEY_BYTES);
        // Looked up first: most chunks of a growing call are stored already, and deflating them again is the cost.
        if (has.get(key) === undefined) insert.run(key, chunk.byteLength, encodeChunk(chunk));
        list.push(key);
      }
      return Buffer.concat(list);
    },
    get(keys) {
      if (keys.byteLength % CHUNK_KEY_BYTES !== 0) throw new Error(`stored chunk list has ${keys.byteLength} bytes, not a multiple of ${CHUNK_KEY_BYTES}`);
      const parts: Buffer[] = [];
      for (let at = 0; at < keys.byteLength; at += CHUNK_KEY_BYTES) {
        const key = keys.subarray(at, at + CHUNK_KEY_BYTES);
        const row = read.get(key) as { size: number; data: Buffer } | undefined;
        if (!row) throw new Error(`stored value refers to chunk ${key.toString('hex')}, which the store does not have`);
        parts.push(decodeBlob(row.data, row.size, DICT_1));
      }
      return Buffer.concat(parts);
    },
  };
}
