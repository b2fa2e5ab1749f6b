/**
 * The import's staging area: a throwaway SQLite file in a temporary folder with the store's `events`, `keyframes`
 * and `blobs` tables. Records are validated and written here while the file streams in, so memory stays bounded
 * whatever the file's size and the store is not touched until everything checked out; then one short store
 * transaction copies the rows over (store/importRuns.ts). Private connection: its one long transaction never
 * interleaves with anyone else's work.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

export class Staging {
  readonly db: Database.Database;
  private readonly dir: string;
  private readonly ins: { event: Database.Statement; keyframe: Database.Statement; blob: Database.Statement; hasBlob: Database.Statement };

  constructor(nativeBinding?: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-import-'));
    try {
      this.db = new Database(path.join(this.dir, 'staging.db'), nativeBinding ? { nativeBinding } : {});
      // Throwaway data: no journal, no fsync.
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
      this.db.exec(`
        CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, end_seq INTEGER NOT NULL, batched INTEGER NOT NULL, kind TEXT NOT NULL,
          ts INTEGER NOT NULL, payload TEXT NOT NULL, fingerprint TEXT, parent_seq INTEGER, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
        CREATE TABLE keyframes (run_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
        CREATE TABLE blobs (hash TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL);
      `);
      this.ins = {
        event: this.db.prepare('INSERT INTO events (run_id, seq, end_seq, batched, kind, ts, payload, fingerprint, parent_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
        keyframe: this.db.prepare('INSERT INTO keyframes (run_id, seq, data) VALUES (?, ?, ?)'),
        blob: this.db.prepare('INSERT OR IGNORE INTO blobs (hash, size, data) VALUES (?, ?, ?)'),
        hasBlob: this.db.prepare('SELECT 1 FROM blobs WHERE hash = ?'),
      };
      this.db.exec('BEGIN');
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
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  close(): void {
    try {
      if (this.db?.open) this.db.close();
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
