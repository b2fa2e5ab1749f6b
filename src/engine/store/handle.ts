/**
 * The SQLite handles of the store's objects (the TraceStore, an import's Staging database), for the modules of
 * src/engine/store/ only. Nothing outside this folder gets a handle: every query there is a store method or a
 * function of a store module, so the schema can change in one place.
 */
import type Database from 'better-sqlite3';

const handles = new WeakMap<object, Database.Database>();

/** Binds a handle to the object that owns it (its constructor calls this). */
export function attachDb(owner: object, db: Database.Database): void {
  handles.set(owner, db);
}

/** The handle of a TraceStore or Staging. */
export function dbOf(owner: object): Database.Database {
  const db = handles.get(owner);
  if (!db) throw new Error('no SQLite handle: the object was not created by src/engine/store');
  return db;
}
