/**
 * Blob rows: content-addressed bytes shared by all runs (large bodies, file contents), written once per hash. A row
 * keeps the blob's byte length in `size` and in `data` either the blob (deflated when smaller: blobCodec.ts) or, with
 * `chunked = 1`, the key list of its chunks (chunkStore.ts), for blobs of CHUNK_MIN_BYTES and more: successive
 * versions of a growing body or file then share what did not change.
 */
import type Database from 'better-sqlite3';
import { decodeBlob, encodeBlob } from './blobCodec.js';
import { chunkStore, type ChunkStore } from './chunkStore.js';

/** Blobs from this size are stored as chunks (where the store has a chunk store). */
export const CHUNK_MIN_BYTES = 16 * 1024;

export interface BlobRows {
  has(hash: string): boolean;
  /** Stores a blob under its hash unless one is stored already (content-addressed: the same bytes). */
  put(hash: string, bytes: Buffer): void;
  get(hash: string): Buffer | undefined;
}

const cache = new WeakMap<Database.Database, BlobRows>();

/** The blob rows of `db` (statements prepared once per handle). */
export function blobRows(db: Database.Database): BlobRows {
  let b = cache.get(db);
  if (!b) cache.set(db, (b = make(db, chunkStore(db))));
  return b;
}

function make(db: Database.Database, chunks: ChunkStore | undefined): BlobRows {
  const has = db.prepare('SELECT 1 FROM blobs WHERE hash = ?').pluck();
  // A store opened with an older migration list has neither chunks nor the `chunked` column.
  const insert = chunks ? db.prepare('INSERT OR IGNORE INTO blobs (hash, size, data, chunked) VALUES (?, ?, ?, ?)') : db.prepare('INSERT OR IGNORE INTO blobs (hash, size, data) VALUES (?, ?, ?)');
  const read = db.prepare(`SELECT size, data, ${chunks ? 'chunked' : '0 AS chunked'} FROM blobs WHERE hash = ?`);
  return {
    has: (hash) => has.get(hash) !== undefined,
    put(hash, bytes) {
      if (has.get(hash) !== undefined) return;
      if (!chunks) insert.run(hash, bytes.byteLength, encodeBlob(bytes));
      else if (bytes.byteLength < CHUNK_MIN_BYTES) insert.run(hash, bytes.byteLength, encodeBlob(bytes), 0);
      else insert.run(hash, bytes.byteLength, chunks.put(bytes), 1);
    },
    get(hash) {
      const row = read.get(hash) as { size: number; data: Buffer; chunked: number } | undefined;
      if (!row) return undefined;
      if (row.chunked !== 1 || !chunks) return decodeBlob(row.data, row.size);
      const bytes = chunks.get(row.data);
      if (bytes.byteLength !== row.size) throw new Error(`stored blob ${hash} assembles to ${bytes.byteLength} bytes, not its size (${row.size})`);
      return bytes;
    },
  };
}
