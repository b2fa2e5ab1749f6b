/**
 * The journal ingestor's prepared statements (ingest.ts), prepared once per database handle. Event and keyframe rows
 * are keyed by the run's integer key (runKeys.ts); a store opened with an older migration list (the migration tests
 * build such stores) still has the text run id there.
 */
import type Database from 'better-sqlite3';
import { ROWS_PER_INSERT } from './chunkRows.js';
import { hasRunKeys } from './runKeys.js';

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return (db.prepare(`SELECT 1 FROM pragma_table_info('${table}') WHERE name = ?`).pluck().get(column) as number | undefined) === 1;
}
const INSERT_EVENTS = (runCol: string): string => `INSERT OR REPLACE INTO events (${runCol}, seq, end_seq, batched, kind, ts, payload, fingerprint, parent_seq)`;
const EVENT_VALUES = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';

type Statement = Database.Statement;
/** Named so the type is spelled out (its inferred form names better-sqlite3's internal namespace). */
type StatementName =
  | 'upsertRun'
  | 'runExists'
  | 'forkOf'
  | 'insertEvent'
  | 'insertEvents'
  | 'eventForPatch'
  | 'updatePayload'
  | 'insertKeyframe'
  | 'end'
  | 'progress'
  | 'warnings'
  | 'setWarnings'
  | 'usage';

export type IngestStatements = Record<StatementName, Statement> & {
  /** Rows are keyed by run key (else by run id: an older migration list). */
  keyed: boolean;
  /** Absent only in a store opened with an older migration list. */
  bumpRevision: Statement | undefined;
};

function prepare(db: Database.Database): IngestStatements {
  const keyed = hasRunKeys(db);
  const runCol = keyed ? 'run_key' : 'run_id';
  return {
    keyed,
    upsertRun: db.prepare(
      `INSERT INTO runs (id, name, parent_id, fork_seq, script_path, script_sha256, script_source, argv, cwd, env, node_version,
         sdk_version, format_version, mode, keyframe_every, started_at, pid)
       VALUES (@id, @name, @parent_id, @fork_seq, @script_path, @script_sha256, @script_source, @argv, @cwd, @env, @node_version,
         @sdk_version, @format_version, @mode, @keyframe_every, @started_at, @pid)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id, fork_seq = excluded.fork_seq,
         script_path = excluded.script_path, script_sha256 = excluded.script_sha256, script_source = excluded.script_source,
         argv = excluded.argv, cwd = excluded.cwd, env = excluded.env, node_version = excluded.node_version,
         sdk_version = excluded.sdk_version, format_version = excluded.format_version, mode = excluded.mode,
         keyframe_every = excluded.keyframe_every, started_at = excluded.started_at, pid = excluded.pid,
         status = CASE WHEN runs.status = 'pending' THEN 'running' ELSE runs.status END`,
    ),
    runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
    forkOf: db.prepare('SELECT fork_seq FROM runs WHERE id = ? AND parent_id IS NOT NULL').pluck(),
    insertEvent: db.prepare(`${INSERT_EVENTS(runCol)} VALUES ${EVENT_VALUES}`),
    insertEvents: db.prepare(`${INSERT_EVENTS(runCol)} VALUES ${Array<string>(ROWS_PER_INSERT).fill(EVENT_VALUES).join(', ')}`),
    eventForPatch: db.prepare(`SELECT kind, payload FROM events WHERE ${runCol} = ? AND seq = ? AND batched = 0`),
    updatePayload: db.prepare(`UPDATE events SET payload = ? WHERE ${runCol} = ? AND seq = ?`),
    insertKeyframe: db.prepare(`INSERT OR REPLACE INTO keyframes (${runCol}, seq, data) VALUES (?, ?, ?)`),
    end: db.prepare('UPDATE runs SET status = ?, exit_code = ?, exit_signal = ?, ended_at = ?, steps = max(steps, ?) WHERE id = ?'),
    progress: db.prepare('UPDATE runs SET steps = max(steps, ?), journal_offset = coalesce(?, journal_offset), host_pid = coalesce(?, host_pid) WHERE id = ?'),
    // Absent only in a store opened with an older migration list (the migration tests build such stores).
    bumpRevision: hasColumn(db, 'runs', 'revision') ? db.prepare('UPDATE runs SET revision = revision + 1 WHERE id = ?') : undefined,
    warnings: db.prepare('SELECT warnings FROM runs WHERE id = ?').pluck(),
    setWarnings: db.prepare('UPDATE runs SET warnings = ? WHERE id = ?'),
    // Recomputed per chunk with LLM calls: read through the partial index of LLM rows (without statistics the
    // planner would read the run's whole primary-key range, every chunk).
    usage: db.prepare(
      `UPDATE runs SET (llm_calls, prompt_tokens, completion_tokens, total_tokens) = (
         SELECT count(*),
           coalesce(sum(json_extract(payload, '$.usage.promptTokens')), 0),
           coalesce(sum(json_extract(payload, '$.usage.completionTokens')), 0),
           coalesce(sum(coalesce(json_extract(payload, '$.usage.totalTokens'),
             json_extract(payload, '$.usage.promptTokens') + json_extract(payload, '$.usage.completionTokens'))), 0)
         FROM events ${keyed ? 'INDEXED BY events_llm' : ''} WHERE ${runCol} = @key AND kind = 'llm')
       WHERE id = @id`,
    ),
  };
}

const cache = new WeakMap<Database.Database, IngestStatements>();

/** The statements for `db`, prepared on first use. */
export function ingestStatements(db: Database.Database): IngestStatements {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
}
