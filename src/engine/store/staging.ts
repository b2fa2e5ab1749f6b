/**
 * The import's staging area: a throwaway SQLite file in a temporary folder with the store's own schema (the same
 * migrations build it, so its tables cannot drift from the store's). Records are validated and written here while
 * the file streams in, so memory stays bounded whatever the file's size and the store is not touched until
 * everything checked out; then one short store transaction copies the rows over (importRuns.ts). Private
 * connection: its one long transaction never interleaves with anyone else's work.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { attachDb } from './handle.js';
import { openDatabase } from './openDatabase.js';

export class Staging {
  readonly #db: Database.Database;
  private readonly dir: string;
  private readonly ins: { event: Database.Statement; keyframe: Database.Statement; blob: Database.Statement; hasBlob: Database.Statement };

  /** `nativeBinding`: better_sqlite3.node for this runtime (as for the store). */
  constructor(nativeBinding?: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-import-'));
    try {
      this.#db = openDatabase(path.join(this.dir, 'staging.db'), { nativeBinding, scratch: true });
      attachDb(this, this.#db);
      this.ins = {
        event: this.#db.prepare('INSERT INTO events (run_id, seq, end_seq, batched, kind, ts, payload, fingerprint, parent_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
        keyframe: this.#db.prepare('INSERT INTO keyframes (run_id, seq, data) VALUES (?, ?, ?)'),
        blob: this.#db.prepare('INSERT OR IGNORE INTO blobs (hash, size, data) VALUES (?, ?, ?)'),
        hasBlob: this.#db.prepare('SELECT 1 FROM blobs WHERE hash = ?'),
      };
      this.#db.exec('BEGIN');
    } catch (e) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      throw e;
    }
  }

  event(runId: string, seq: number, endSeq: number, batched: boolean, kind: string, ts: number, payload: string, fp: string | null, parent: number | null): void {
    this.ins.event.run(runId, seq, endSeq, batched ? 1 : 0, kind, ts, payload, fp, parent);
  }

  keyframe(runId: string, seq: number, data: string): void {
    this.ins.keyframe.run(runId, seq, data);
  }

  blob(hash: string, data: Buffer): void {
    this.ins.blob.run(hash, data.byteLength, data);
  }

  hasBlob(hash: string): boolean {
    return this.ins.hasBlob.get(hash) !== undefined;
  }

  /** Ends the staging transaction: from here on the rows are read (and copied into the store). */
  seal(): void {
    if (this.#db.inTransaction) this.#db.exec('COMMIT');
  }

  close(): void {
    try {
      if (this.#db?.open) this.#db.close();
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
