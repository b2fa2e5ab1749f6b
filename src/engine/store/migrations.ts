/**
 * Schema migrations, tracked by `PRAGMA user_version` (= number of migrations applied). Rules that keep existing
 * stores safe: migrations are append-only (never edit a released one), additive (never drop user data), and each
 * runs in one IMMEDIATE transaction together with its version bump, so a crash mid-migration leaves the previous
 * version intact and two processes opening the store at once cannot both migrate.
 */
import type Database from 'better-sqlite3';
import { StoreVersionError } from '../errors.js';
import { SEARCH_SCHEMA_SQL } from './searchSchema.js';

export type Migration = (db: Database.Database) => void;

export const MIGRATIONS: readonly Migration[] = [
  // 1: runs, events (a batched row holds cheap values for seq..end_seq as {source, values}), keyframes, blobs.
  (db) => {
    db.exec(`
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        name TEXT,
        parent_id TEXT,
        fork_seq INTEGER,
        overrides TEXT,
        script_path TEXT NOT NULL,
        script_sha256 TEXT NOT NULL DEFAULT '',
        script_source TEXT,
        argv TEXT NOT NULL DEFAULT '[]',
        cwd TEXT NOT NULL DEFAULT '',
        env TEXT NOT NULL DEFAULT '{}',
        node_version TEXT NOT NULL DEFAULT '',
        sdk_version TEXT NOT NULL DEFAULT '',
        format_version INTEGER NOT NULL DEFAULT 1,
        mode TEXT NOT NULL DEFAULT 'record',
        keyframe_every INTEGER NOT NULL DEFAULT 10,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        pid INTEGER,
        host_pid INTEGER,
        status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running','ok','failed','crashed','diverged')),
        exit_code INTEGER,
        exit_signal TEXT,
        steps INTEGER NOT NULL DEFAULT 0,
        llm_calls INTEGER NOT NULL DEFAULT 0,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        total_tokens INTEGER NOT NULL DEFAULT 0,
        warnings TEXT NOT NULL DEFAULT '[]',
        journal_offset INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX runs_started ON runs(started_at DESC);
      CREATE INDEX runs_parent ON runs(parent_id);

      CREATE TABLE events (
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        end_seq INTEGER NOT NULL,
        batched INTEGER NOT NULL DEFAULT 0,
        kind TEXT NOT NULL,
        ts INTEGER NOT NULL,
        payload TEXT NOT NULL,
        fingerprint TEXT,
        parent_seq INTEGER,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX events_kind ON events(run_id, kind, seq);

      CREATE TABLE keyframes (
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE blobs (
        hash TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        data BLOB NOT NULL
      );
    `);
  },
  // 2 (issue 4): status 'pending' for a branch that was created but has not run yet. SQLite cannot change a CHECK
  // constraint in place, so the runs table is rebuilt with the same columns (rows copied as they are).
  (db) => {
    const cols = (db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name).join(', ');
    const before = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'runs'").pluck().get() as string;
    const sql = before
      .replace("CHECK (status IN ('running','ok','failed','crashed','diverged'))", "CHECK (status IN ('running','ok','failed','crashed','diverged','pending'))")
      .replace(/^CREATE TABLE runs\b/, 'CREATE TABLE runs_v2');
    if (!sql.includes("'pending'") || !sql.startsWith('CREATE TABLE runs_v2')) throw new Error('migration 2: unexpected schema of the runs table');
    db.exec(sql);
    db.exec(`INSERT INTO runs_v2 (${cols}) SELECT ${cols} FROM runs`);
    db.exec('DROP TABLE runs');
    db.exec('ALTER TABLE runs_v2 RENAME TO runs');
    db.exec('CREATE INDEX runs_started ON runs(started_at DESC); CREATE INDEX runs_parent ON runs(parent_id);');
  },
  // 3 (AutoFix Engine): the failure detected in a run (JSON Failure, src/shared/afe/types.ts; its class copied for
  // filtering), fix attempts (one JSON FixReport each) and the history of applies (what was written, and the exact
  // bytes it replaced, so an undo restores them byte-identical). No secret is ever stored here: reports are masked.
  (db) => {
    db.exec(`
      ALTER TABLE runs ADD COLUMN failure_class TEXT;
      ALTER TABLE runs ADD COLUMN failure TEXT;
      CREATE TABLE fixes (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        failure_class TEXT,
        best_verdict TEXT,
        report TEXT NOT NULL
      );
      CREATE INDEX fixes_run ON fixes(run_id, created_at DESC);
      CREATE TABLE fix_applies (
        fix_id TEXT NOT NULL,
        candidate INTEGER NOT NULL,
        applied_at INTEGER NOT NULL,
        undone_at INTEGER,
        files TEXT NOT NULL,
        PRIMARY KEY (fix_id, applied_at)
      );
    `);
  },
  // 4: full-text search over event payloads (FTS5), kept by triggers on events; the events already stored are
  // indexed here (searchSchema.ts).
  (db) => {
    db.exec(SEARCH_SCHEMA_SQL);
  },
  // 5 (storage): event payloads and keyframes of 1 KB and more may be stored deflated (payloadCodec.ts). No table
  // changes: the version bump keeps builds that cannot decode them out of a store that has them (StoreVersionError).
  () => undefined,
  // 6: a run's revision, bumped when events already stored change afterwards (a patch merged into a stored event:
  // a streamed reply completed, locals at an error added by replay), so watchers see a finished run change too.
  (db) => {
    db.exec('ALTER TABLE runs ADD COLUMN revision INTEGER NOT NULL DEFAULT 0');
  },
  // 7 (storage): events and keyframes keyed by an integer run key (run_keys maps it to the run's text id, see
  // runKeys.ts) instead of the text id in every row and key. Existing rows are copied over, every run keeps all of
  // its rows (rows of a run without a runs row too). The index on (run, kind, seq) is replaced by a partial index
  // on LLM calls, which is what the per-chunk usage totals and the cost queries look up; other kind filters read the
  // run's primary-key range. The search triggers are recreated on the new table (search tables keep text ids).
  (db) => {
    db.exec(`
      CREATE TABLE run_keys (
        key INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE
      );
      INSERT INTO run_keys (id) SELECT id FROM runs ORDER BY rowid;
      INSERT OR IGNORE INTO run_keys (id) SELECT DISTINCT run_id FROM events;
      INSERT OR IGNORE INTO run_keys (id) SELECT DISTINCT run_id FROM keyframes;

      CREATE TABLE events_v7 (
        run_key INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        end_seq INTEGER NOT NULL,
        batched INTEGER NOT NULL DEFAULT 0,
        kind TEXT NOT NULL,
        ts INTEGER NOT NULL,
        payload TEXT NOT NULL,
        fingerprint TEXT,
        parent_seq INTEGER,
        PRIMARY KEY (run_key, seq)
      ) WITHOUT ROWID;
      INSERT INTO events_v7 (run_key, seq, end_seq, batched, kind, ts, payload, fingerprint, parent_seq)
        SELECT k.key, e.seq, e.end_seq, e.batched, e.kind, e.ts, e.payload, e.fingerprint, e.parent_seq
        FROM events e JOIN run_keys k ON k.id = e.run_id ORDER BY k.key, e.seq;
      DROP TABLE events;
      ALTER TABLE events_v7 RENAME TO events;
      CREATE INDEX events_llm ON events(run_key, seq) WHERE kind = 'llm';

      CREATE TABLE keyframes_v7 (
        run_key INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (run_key, seq)
      ) WITHOUT ROWID;
      INSERT INTO keyframes_v7 (run_key, seq, data)
        SELECT k.key, f.seq, f.data FROM keyframes f JOIN run_keys k ON k.id = f.run_id ORDER BY k.key, f.seq;
      DROP TABLE keyframes;
      ALTER TABLE keyframes_v7 RENAME TO keyframes;

      CREATE TRIGGER events_search_update AFTER UPDATE OF payload ON events
      WHEN new.batched = 0 AND new.kind IN ('llm','http','console','error','step','tool') BEGIN
        INSERT OR IGNORE INTO search_pending (run_id, seq) SELECT id, new.seq FROM run_keys WHERE key = new.run_key;
      END;
      CREATE TRIGGER events_search_delete AFTER DELETE ON events
      WHEN old.batched = 0 AND old.kind IN ('llm','http','console','error','step','tool') BEGIN
        DELETE FROM search_fts WHERE rowid IN (
          SELECT id FROM search_docs WHERE run_id = (SELECT id FROM run_keys WHERE key = old.run_key) AND seq = old.seq);
        DELETE FROM search_docs WHERE run_id = (SELECT id FROM run_keys WHERE key = old.run_key) AND seq = old.seq;
        DELETE FROM search_pending WHERE run_id = (SELECT id FROM run_keys WHERE key = old.run_key) AND seq = old.seq;
      END;
    `);
  },
  // 8 (storage): blobs of 1 KB and more may be stored deflated (blobCodec.ts), and payloads and keyframes of 48 KB
  // and more compressed with brotli (payloadCodec.ts, marker 2). No table changes: as for 5, the version bump keeps
  // builds that cannot decode them out of a store that has them.
  () => undefined,
  // 9 (storage): content-defined chunks shared by large payloads (payloadCodec.ts marker 3) and blobs (chunked = 1):
  // see chunkStore.ts. The version bump keeps builds that cannot read them out of a store that has them.
  (db) => {
    db.exec(`
      CREATE TABLE chunks (
        key BLOB PRIMARY KEY,
        size INTEGER NOT NULL,
        data BLOB NOT NULL
      ) WITHOUT ROWID;
      ALTER TABLE blobs ADD COLUMN chunked INTEGER NOT NULL DEFAULT 0;
    `);
  },
];

/** Whether the schema has this table (a store opened with an older migration list may not). */
export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Brings a database to the latest schema. Throws StoreVersionError for a store from a newer AgentTrace. */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = (): number => db.pragma('user_version', { simple: true }) as number;
  if (current() > migrations.length) throw new StoreVersionError(file, current(), migrations.length);
  while (current() < migrations.length) {
    db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated while we waited for it.
      const v = current();
      if (v >= migrations.length) return;
      migrations[v](db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return current();
}
