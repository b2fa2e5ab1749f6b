/**
 * The full-text index over event payloads (SQLite FTS5), built when a search needs it (searchEvents.ts indexes the
 * runs it searches first), so ingest keeps its speed:
 * - new rows: a run's events are indexed past its highest indexed seq (indexable events are stored in seq order:
 *   the recorder writes each event line when it assigns the seq; imports copy whole runs);
 * - changed rows (patches: a reply, a step's outcome): a trigger queues them in `search_pending`;
 * - deleted rows (a branch re-run, a deleted run): a trigger drops their documents at once.
 * Nothing is indexed twice or missed, and the migration of an existing store only creates the tables: its events are
 * indexed by the first search that reads them.
 * Indexed: what a user remembers reading — LLM messages, replies, tool calls and error bodies, HTTP URLs and bodies
 * (inline text; blobs are binary or large), console lines, errors with their stack, step and tool names with their
 * arguments and results. Payloads are stored masked, so the index holds masked text only; each event's text is
 * bounded (SEARCH_TEXT_MAX). Value rows (random/time/crypto batches) are never indexed.
 * search_docs maps an indexed event to its FTS row id (events is WITHOUT ROWID); search_fts keeps the text for
 * snippets.
 * IMPORTANT: migration 4 runs SEARCH_SCHEMA_SQL: never edit what it creates; a change is a new migration (7 recreated
 * the two triggers on the run-keyed events table). The text expression is applied at indexing time and may change
 * (delete the documents to re-index).
 */

/** Characters of one event's text that are indexed (the rest of a huge body is not searchable). */
export const SEARCH_TEXT_MAX = 16_384;

export const SEARCH_KINDS = ['llm', 'http', 'console', 'error', 'step', 'tool'] as const;

/** The searchable text of a stored event row, as an SQL expression over `row.payload` and `row.kind`. */
function textOf(row: string): string {
  const p = `${row}.payload`;
  const j = (path: string): string => `coalesce(json_extract(${p}, '${path}'), '')`;
  // Message contents: a string, or an array of parts (multi-modal) kept as JSON text.
  const messages = `coalesce((SELECT group_concat(coalesce(json_extract(m.value, '$.content'), ''), ' ') FROM json_each(${p}, '$.messages') m), '')`;
  const chunks = `coalesce((SELECT group_concat(coalesce(json_extract(c.value, '$.data'), ''), '') FROM json_each(${p}, '$.response.chunks') c), '')`;
  const httpText = `${j('$.request.method')} || ' ' || ${j('$.request.url')} || ' ' || ${j('$.request.body.text')} || ' ' || ${j('$.response.body.text')} || ' ' || ${chunks} || ' ' || ${j('$.error.message')}`;
  return `substr(CASE ${row}.kind
    WHEN 'llm' THEN ${j('$.model')} || ' ' || ${j('$.request.url')} || ' ' || ${messages} || ' ' || ${j('$.reply.content')} || ' ' || ${j('$.reply.toolCalls')} || ' ' || ${j('$.error.message')} || ' ' || CASE WHEN json_type(${p}, '$.reply') IS NULL THEN ${j('$.response.body.text')} ELSE '' END
    WHEN 'http' THEN ${httpText}
    WHEN 'console' THEN ${j('$.text')}
    WHEN 'error' THEN ${j('$.name')} || ': ' || ${j('$.message')} || ' ' || ${j('$.stack')}
    ELSE ${j('$.name')} || ' ' || ${j('$.input')} || ' ' || ${j('$.output')} || ' ' || ${j('$.error.message')}
  END, 1, ${SEARCH_TEXT_MAX})`;
}

/** The indexed kinds as an SQL list. */
export const KIND_LIST = SEARCH_KINDS.map((k) => `'${k}'`).join(',');

/** The searchable text of the event row aliased `e`, as an SQL expression (used when draining). */
export const EVENT_TEXT_SQL = textOf('e');

/** DDL of the index and its triggers (one migration). */
export const SEARCH_SCHEMA_SQL = `
  -- AUTOINCREMENT: an id is never reused, so a drain tells its own documents by id (and FTS rows never collide).
  CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    UNIQUE (run_id, seq)
  );
  CREATE VIRTUAL TABLE search_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
  CREATE TABLE search_pending (
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (run_id, seq)
  ) WITHOUT ROWID;

  CREATE TRIGGER events_search_update AFTER UPDATE OF payload ON events WHEN new.batched = 0 AND new.kind IN (${KIND_LIST}) BEGIN
    INSERT OR IGNORE INTO search_pending (run_id, seq) VALUES (new.run_id, new.seq);
  END;
  CREATE TRIGGER events_search_delete AFTER DELETE ON events WHEN old.batched = 0 AND old.kind IN (${KIND_LIST}) BEGIN
    DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE run_id = old.run_id AND seq = old.seq);
    DELETE FROM search_docs WHERE run_id = old.run_id AND seq = old.seq;
    DELETE FROM search_pending WHERE run_id = old.run_id AND seq = old.seq;
  END;

`;
