/**
 * Integer keys of runs for the tables with one row per event (events, keyframes). A run's identity is its text id
 * everywhere (a branch id is `<traceId>__<name>`, often 40 bytes and more); repeating it in every event row and in
 * the primary key made the store about 1.8 times the size of what it holds. Those rows carry a small integer instead,
 * and `run_keys` maps it to the text id. Keys come from AUTOINCREMENT: a deleted run's key is never handed to
 * another run, so rows a deletion missed could never show up under a new run.
 * SQL of the store reads a run's rows with `run_key = ${KEY_OF}` (one lookup per statement, then the primary key).
 */
import type Database from 'better-sqlite3';
import { hasTable } from './migrations.js';

/** The key of the run whose text id is the statement's next parameter (NULL when the run has none). */
export const KEY_OF = '(SELECT key FROM run_keys WHERE id = ?)';

interface KeyStatements {
  get: Database.Statement;
  add: Database.Statement;
  drop: Database.Statement;
}
const cache = new WeakMap<Database.Database, KeyStatements>();

function statements(db: Database.Database): KeyStatements {
  let s = cache.get(db);
  if (!s) {
    s = {
      get: db.prepare('SELECT key FROM run_keys WHERE id = ?').pluck(),
      add: db.prepare('INSERT OR IGNORE INTO run_keys (id) VALUES (?)'),
      drop: db.prepare('DELETE FROM run_keys WHERE id = ?'),
    };
    cache.set(db, s);
  }
  return s;
}

/** The run's key, created on first use (call inside the transaction that writes its rows). */
export function ensureRunKey(db: Database.Database, runId: string): number {
  const s = statements(db);
  const key = s.get.get(runId) as number | undefined;
  if (key !== undefined) return key;
  s.add.run(runId);
  return s.get.get(runId) as number;
}

/** Forgets a run's key once its event and keyframe rows are gone (the search triggers map keys back to ids). */
export function dropRunKey(db: Database.Database, runId: string): void {
  statements(db).drop.run(runId);
}

/** Whether the store's event tables are keyed by run_keys (false only in a store opened with an older migration list). */
export function hasRunKeys(db: Database.Database): boolean {
  return hasTable(db, 'run_keys');
}
