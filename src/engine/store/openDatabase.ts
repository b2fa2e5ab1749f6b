/**
 * Opens the SQLite file with better-sqlite3 and maps every failure to a StoreError that names what it tried.
 * The native binding is the usual failure on a new machine or in Electron (a build for another ABI), so the error
 * names the binding path and how to override it (`AGENTTRACE_SQLITE_BINDING` -> better-sqlite3's nativeBinding).
 * A store that a killed process had open (storeFaults.ts) is checked with `PRAGMA quick_check` first; damage and a
 * full disk each become one clear line.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AtrError, StoreError } from '../errors.js';
import { migrate, type Migration, MIGRATIONS } from './migrations.js';
import { corruptError, diskFullError, isCorrupt, isDiskFull, quickCheck, staleOpenMarkers } from './storeFaults.js';

// Not named `require`: electron-vite's ESM shim declares a module-level `require` in the main bundle.
const requireHere = createRequire(import.meta.url);

/** Where better-sqlite3 loads its addon from by default (for error messages only). */
function defaultBindingPath(): string {
  try {
    return path.join(path.dirname(requireHere.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  } catch {
    return 'better-sqlite3/build/Release/better_sqlite3.node';
  }
}

function isBindingFailure(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ERR_DLOPEN_FAILED' || err?.code === 'MODULE_NOT_FOUND') return true;
  return /bindings file|NODE_MODULE_VERSION|\.node\b|ELF|dlopen|was compiled against/i.test(err?.message ?? '');
}

/** Page size of new store files (existing files keep theirs). */
export const PAGE_SIZE = 16 * 1024;

export interface OpenDatabaseOptions {
  /** Path of a better_sqlite3.node built for this runtime (Electron); default: better-sqlite3's own build. */
  nativeBinding?: string;
  migrations?: readonly Migration[];
  /**
   * A throwaway database (an import's staging area): no journal and no fsync instead of WAL, since nobody else
   * opens it and a crash only loses what would be deleted anyway.
   */
  scratch?: boolean;
}

export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Database.Database {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (e) {
    throw new StoreError(`cannot create the store folder ${path.dirname(file)}: ${(e as Error).message}`, 'check AGENTTRACE_HOME and its permissions', { file }, e);
  }
  const binding = opts.nativeBinding ? path.resolve(opts.nativeBinding) : undefined;
  const stale = opts.scratch ? [] : staleOpenMarkers(file);
  let db: Database.Database;
  try {
    db = new Database(file, binding ? { nativeBinding: binding } : {});
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    if (isBindingFailure(e)) {
      const tried = binding ?? defaultBindingPath();
      throw new StoreError(
        `cannot load the SQLite native binding ${tried}: ${msg}`,
        binding
          ? 'AGENTTRACE_SQLITE_BINDING must point at a better_sqlite3.node built for this runtime'
          : 'run `npm rebuild better-sqlite3`, or set AGENTTRACE_SQLITE_BINDING to a better_sqlite3.node built for this runtime',
        { file, binding: tried },
        e,
      );
    }
    if (isDiskFull(e)) throw diskFullError(file, e);
    throw new StoreError(`cannot open the store ${file}: ${msg}`, 'check AGENTTRACE_HOME and its permissions', { file }, e);
  }
  try {
    // A new file gets 16 KB pages: an LLM call's row (1-3 KB) then fits in its page instead of spilling into
    // mostly empty overflow pages. page_size only applies before the first table (and before WAL is set).
    if (db.pragma('page_count', { simple: true }) === 0) db.pragma(`page_size = ${PAGE_SIZE}`);
    if (opts.scratch) {
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
    } else {
      // WAL: the CLI writes while the workbench reads; busy_timeout covers short write locks held by another process.
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (stale.length > 0) {
      // The last process that had it open was killed: check the pages before trusting them.
      const first = quickCheck(db);
      if (first !== 'ok') throw corruptError(file, first);
    }
    migrate(db, file, opts.migrations ?? MIGRATIONS);
    for (const m of stale) fs.rmSync(m, { force: true });
    return db;
  } catch (e) {
    db.close();
    if (e instanceof AtrError) throw e;
    if (isDiskFull(e)) throw diskFullError(file, e);
    if (isCorrupt(e)) throw corruptError(file, e instanceof Error ? e.message : String(e), e);
    const msg = e instanceof Error ? e.message : String(e);
    throw new StoreError(`cannot open the store ${file}: ${msg}`, 'the file may not be an AgentTrace store; move it away or set AGENTTRACE_HOME', { file }, e);
  }
}
