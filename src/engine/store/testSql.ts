/**
 * Test helpers: raw SQL on a store or a store file, for tests that build states the engine never writes (a damaged
 * row, a secret that slipped in, an old format version) or read a file straight from disk (before any recovery).
 * Tests only: engine code goes through the store's methods and modules.
 */
import Database from 'better-sqlite3';
import { dbOf } from './handle.js';
import { blobRows } from './blobRows.js';
import { chunkStore } from './chunkStore.js';
import { hasTable } from './migrations.js';
import { decodePayload } from './payloadCodec.js';
import type { TraceStore } from './store.js';

/** Runs one statement on an open store; returns the number of rows changed. */
export function execSql(store: TraceStore, sql: string, ...params: unknown[]): number {
  return dbOf(store).prepare(sql).run(...params).changes;
}

/** The first column of the first row of a query on an open store. */
export function queryValue(store: TraceStore, sql: string, ...params: unknown[]): unknown {
  return dbOf(store).prepare(sql).pluck().get(...params);
}

/** The first column of the first row of a query on a store file, opened read-only on its own connection. */
export function queryFile(file: string, sql: string, ...params: unknown[]): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).pluck().get(...params);
  } finally {
    db.close();
  }
}

/** Runs one statement on a store file on its own connection (no store open in this process). */
export function execFile(file: string, sql: string, ...params: unknown[]): number {
  const db = new Database(file);
  try {
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}

/** Every row of every table, as comparable JSON. */
export function dumpStore(store: TraceStore): string {
  const all = (sql: string): unknown[] => dbOf(store).prepare(sql).all();
  return JSON.stringify(
    {
      runs: all('SELECT * FROM runs ORDER BY id'),
      // By run id, not run key: two stores give the same run different keys.
      events: all('SELECT k.id AS run_id, e.seq, e.end_seq, e.batched, e.kind, e.ts, e.payload, e.fingerprint, e.parent_seq FROM events e JOIN run_keys k ON k.key = e.run_key ORDER BY k.id, e.seq'),
      keyframes: all('SELECT k.id AS run_id, f.seq, f.data FROM keyframes f JOIN run_keys k ON k.key = f.run_key ORDER BY k.id, f.seq'),
      blobs: all('SELECT * FROM blobs ORDER BY hash').map((b) => ({ ...(b as object), data: (b as { data: Buffer }).data.toString('hex') })),
      chunks: hasTable(dbOf(store), 'chunks') ? all('SELECT hex(key) AS key, size, hex(data) AS data FROM chunks ORDER BY key') : [],
    },
    null,
    1,
  );
}

/**
 * Every event payload and keyframe of a store file as stored texts decoded (payloadCodec.ts, chunkStore.ts), and (for
 * the whole file) every blob decoded (latin1), read-only with its WAL: what a secret scan must search besides the
 * file's raw bytes. Empty when the file is no readable store.
 */
export function decodedRowsOfFile(file: string, runId?: string): string[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const sql = runId === undefined ? 'SELECT payload FROM events UNION ALL SELECT data FROM keyframes' : 'SELECT data FROM keyframes WHERE run_key = (SELECT key FROM run_keys WHERE id = ?)';
    const rows = (runId === undefined ? db.prepare(sql).pluck().all() : db.prepare(sql).pluck().all(runId)) as string[];
    const chunks = chunkStore(db);
    const texts = rows.map((r) => decodePayload(r, chunks));
    if (runId !== undefined) return texts;
    const blobs = blobRows(db);
    for (const hash of db.prepare('SELECT hash FROM blobs').pluck().all() as string[]) texts.push((blobs.get(hash) as Buffer).toString('latin1'));
    return texts;
  } catch {
    return [];
  } finally {
    db?.close();
  }
}
