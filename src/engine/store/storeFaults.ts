/**
 * Faults of the disk under a store, each turned into one clear line: a full disk (`SQLITE_FULL`, `ENOSPC`) becomes
 * "disk full: <path>" (the transaction that hit it was rolled back, the store keeps what it had), and a store file
 * that SQLite finds damaged becomes "the store at <path> is corrupt: <first quick_check line>".
 * Also the unclean-close check: every open writes a marker beside the store (`traces.db.open.<pid>.<n>`) and removes
 * it on close (or at a normal process exit). A marker whose process is gone means that process was killed while it
 * had the store open: the next open runs `PRAGMA quick_check` before anything else. A cleanly closed store leaves
 * no marker, so the usual open stays as fast as before (one readdir of the store's folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/** True for a "no space left" failure, from SQLite or from node's fs. */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (FULL_CODES.has(code) || code.startsWith('SQLITE_FULL'));
}

/** "disk full: <path>": what was being written is named, the hint says nothing was half-written. */
export function diskFullError(file: string, e?: unknown): StoreError {
  return new StoreError(`disk full: ${file}`, 'nothing was half-written; free some space and try again', { file, diskFull: true }, e);
}

/** Rethrows a disk-full failure as diskFullError(file); anything else as it was. */
export function rethrowDiskFull(e: unknown, file: string): never {
  throw isDiskFull(e) ? diskFullError(file, e) : e;
}

/** True for SQLite's "the database is damaged" failures (not SQLITE_NOTADB: a file that is no store at all). */
export function isCorrupt(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CORRUPT');
}

export function corruptError(file: string, firstLine: string, e?: unknown): StoreError {
  return new StoreError(
    `the store at ${file} is corrupt: ${firstLine.split('\n')[0].slice(0, 300)}; move it aside and re-import your trace files`,
    `for example: mv ${JSON.stringify(file)} ${JSON.stringify(file + '.corrupt')}`,
    { file, corrupt: true },
    e,
  );
}

/** The first line `PRAGMA quick_check` reports, or 'ok'. Corruption that stops the check itself is reported too. */
export function quickCheck(db: Database.Database): string {
  try {
    const rows = db.pragma('quick_check(1)', { simple: false }) as Record<string, unknown>[];
    const first = rows[0] ? String(Object.values(rows[0])[0]) : 'ok';
    return first;
  } catch (e) {
    if (isCorrupt(e)) return (e as Error).message;
    throw e;
  }
}

const MARK = '.open.';
let counter = 0;
const live = new Set<string>();
let exitHook = false;

/** True when no process has this pid any more (EPERM means it exists as another user's: not gone). */
export function processGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Markers beside `file` left by processes that are gone (their store was not closed cleanly). */
export function staleOpenMarkers(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = path.basename(file) + MARK;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const stale: string[] = [];
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const pid = Number(n.slice(prefix.length).split('.')[0]);
    if (Number.isSafeInteger(pid) && pid > 0 && processGone(pid)) stale.push(path.join(dir, n));
  }
  return stale;
}

/** Writes this open's marker; returns its path ('' when the folder is read-only: the check is best effort). */
export function writeOpenMarker(file: string): string {
  const marker = `${file}${MARK}${process.pid}.${++counter}`;
  try {
    fs.writeFileSync(marker, '', { mode: 0o600 });
  } catch {
    return '';
  }
  live.add(marker);
  if (!exitHook) {
    exitHook = true;
    // A process that exits normally (process.exit with the store still open) left no write half-done.
    process.once('exit', () => {
      for (const m of live) removeMarker(m);
    });
  }
  return marker;
}

export function removeMarker(marker: string): void {
  if (!marker) return;
  live.delete(marker);
  fs.rmSync(marker, { force: true });
}
