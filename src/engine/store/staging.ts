/**
 * The import's staging area: a throwaway SQLite file in a temporary folder with the store's own schema (the same
 * migrations build it, so its tables cannot drift from the store's). Records are validated and written here while
 * the file streams in, so memory stays bounded whatever the file's size and the store is not touched until
 * everything checked out; then one short store transaction copies the rows over (importRuns.ts). Private
 * connection: its one long transaction never interleaves with anyone else's work.
 * The folder is named after the importing process (`agenttrace-import-<pid>-XXXXXX`): an import that was killed
 * (SIGKILL, a power cut) cannot remove its own, so the next store open sweeps those whose process is gone. A full
 * disk under the staging file is reported as "disk full: <staging file>".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { attachDb } from './handle.js';
import { openDatabase } from './openDatabase.js';
import { storedAsIs } from './payloadCodec.js';
import { ensureRunKey } from './runKeys.js';
import { processGone, rethrowDiskFull } from './storeFaults.js';

/** Scratch folders of imports (staging.ts) and of the workbench's uploads (importApi.ts), named `<prefix><pid>-…`. */
export const SCRATCH_PREFIXES = ['agenttrace-import-', 'agenttrace-upload-'] as const;
/** Scratch folders from builds that did not name the process: removed once they are this old. */
const LEGACY_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** A scratch folder's prefix for this process, for fs.mkdtempSync. */
export function scratchPrefix(kind: (typeof SCRATCH_PREFIXES)[number], dir = os.tmpdir()): string {
  return path.join(dir, `${kind}${process.pid}-`);
}

/**
 * Removes scratch folders left by imports and uploads whose process is gone (killed mid-import). Folders of live
 * processes are kept (they are importing right now). Best effort: never throws. Returns the folders removed.
 */
export function sweepStaleScratch(dir = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const n of names) {
    const kind = SCRATCH_PREFIXES.find((p) => n.startsWith(p));
    if (!kind) continue;
    const full = path.join(dir, n);
    const m = /^(\d+)-/.exec(n.slice(kind.length));
    try {
      if (m ? !processGone(Number(m[1])) : Date.now() - fs.statSync(full).mtimeMs < LEGACY_MAX_AGE_MS) continue;
      fs.rmSync(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      // Another user's folder, or already gone: not ours to clean.
    }
  }
  return removed;
}

export class Staging {
  readonly #db: Database.Database;
  private readonly dir: string;
  /** The staging database file (named in a disk-full error). */
  readonly file: string;
  private readonly ins: { event: Database.Statement; keyframe: Database.Statement; blob: Database.Statement; hasBlob: Database.Statement };

  /** `nativeBinding`: better_sqlite3.node for this runtime (as for the store). */
  constructor(nativeBinding?: string) {
    this.dir = fs.mkdtempSync(scratchPrefix('agenttrace-import-'));
    this.file = path.join(this.dir, 'staging.db');
    try {
      this.#db = openDatabase(this.file, { nativeBinding, scratch: true });
      attachDb(this, this.#db);
      this.ins = {
        event: this.#db.prepare('INSERT INTO events (run_key, seq, end_seq, batched, kind, ts, payload, fingerprint, parent_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
        keyframe: this.#db.prepare('INSERT INTO keyframes (run_key, seq, data) VALUES (?, ?, ?)'),
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
    try {
      this.ins.event.run(ensureRunKey(this.#db, runId), seq, endSeq, batched ? 1 : 0, kind, ts, batched ? payload : storedAsIs(payload), fp, parent);
    } catch (e) {
      rethrowDiskFull(e, this.file);
    }
  }

  keyframe(runId: string, seq: number, data: string): void {
    try {
      this.ins.keyframe.run(ensureRunKey(this.#db, runId), seq, storedAsIs(data));
    } catch (e) {
      rethrowDiskFull(e, this.file);
    }
  }

  blob(hash: string, data: Buffer): void {
    try {
      this.ins.blob.run(hash, data.byteLength, data);
    } catch (e) {
      rethrowDiskFull(e, this.file);
    }
  }

  hasBlob(hash: string): boolean {
    return this.ins.hasBlob.get(hash) !== undefined;
  }

  /** Ends the staging transaction: from here on the rows are read (and copied into the store). */
  seal(): void {
    try {
      if (this.#db.inTransaction) this.#db.exec('COMMIT');
    } catch (e) {
      rethrowDiskFull(e, this.file);
    }
  }

  close(): void {
    try {
      if (this.#db?.open) this.#db.close();
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
