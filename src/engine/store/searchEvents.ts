/**
 * Full-text search over a run's event payloads (the FTS5 index of searchSchema.ts, brought up to date for the runs
 * searched first), branch-aware: a branch searches
 * its own events and the ones it inherits up to its fork (its lineage segments), never its parent's later events.
 * The user's text is never FTS syntax: each word becomes a quoted prefix phrase ("word"*), all required, so any
 * input is a valid query; an unexpected SQLite failure still becomes one clear error, not a crash.
 */
import type Database from 'better-sqlite3';
import type { SearchHit } from '../../shared/rpc/contract.js';
import type { EventKind } from '../../shared/trace/types.js';
import { ATR, AtrError } from '../errors.js';
import { dbOf } from './handle.js';
import { chunkStore } from './chunkStore.js';
import { decodePayload, ENCODED_PREFIX } from './payloadCodec.js';
import { EVENT_TEXT_SQL, KIND_LIST } from './searchSchema.js';
import type { TraceStore } from './store.js';

/** Snippet markers: control characters that cannot occur in indexed text the user sees as a match boundary. */
const OPEN = '\u0002';
const CLOSE = '\u0003';
/** Words of context around a match in a snippet. */
const SNIPPET_TOKENS = 12;
const MAX_TERMS = 16;

/**
 * The FTS5 query for the user's text: each whitespace-separated word as a quoted prefix phrase, all required.
 * Quotes inside a word are doubled (FTS5 string syntax); words the tokenizer drops entirely (punctuation only) are
 * skipped. Empty when nothing searchable is left.
 */
export function ftsQuery(text: string): string {
  const words = text
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, MAX_TERMS);
  return words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' ');
}

const SQL = `
  SELECT d.seq AS seq, d.kind AS kind, d.run_id AS runId, snippet(search_fts, 0, '${OPEN}', '${CLOSE}', '…', ${SNIPPET_TOKENS}) AS snip
  FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
  WHERE search_fts MATCH @q AND d.run_id = @run AND d.seq > @after AND d.seq <= @upTo
  ORDER BY d.seq
  LIMIT @limit`;

/**
 * Indexes one run: the documents of changed rows (queued by the patch trigger) are taken out, then the changed rows
 * and every indexable event past the run's highest indexed seq go in with their current text.
 */
const DRAIN_SQL = [
  // Changed rows: their documents out (they are re-added with the current text below).
  'DELETE FROM search_fts WHERE rowid IN (SELECT d.id FROM search_docs d JOIN search_pending p ON p.run_id = d.run_id AND p.seq = d.seq WHERE p.run_id = @run)',
  'DELETE FROM search_docs WHERE run_id = @run AND seq IN (SELECT seq FROM search_pending WHERE run_id = @run)',
  // New rows (past the highest indexed seq) and the changed ones.
  `INSERT INTO search_docs (run_id, seq, kind)
     SELECT @run, e.seq, e.kind FROM events e
     WHERE e.run_key = (SELECT key FROM run_keys WHERE id = @run) AND e.batched = 0 AND e.kind IN (${KIND_LIST})
       AND (e.seq > coalesce((SELECT max(seq) FROM search_docs WHERE run_id = @run), -1)
            OR e.seq IN (SELECT seq FROM search_pending WHERE run_id = @run))
       AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.run_id = @run AND d.seq = e.seq)`,
  'DELETE FROM search_pending WHERE run_id = @run',
];

/**
 * Payloads may be stored compressed or chunked (payloadCodec.ts). The encoded ones among the documents added by this
 * drain (ids above @after) are decoded in JS, a page at a time, into a temporary table (a SQL function cannot read
 * the chunks table while its statement runs); then one statement indexes every new document from its decoded
 * payload (one statement: FTS5 writes its pending terms once, not once per document). Pages are read along the id
 * key (`+d.run_id`: not through the (run_id, seq) index, which would sort the run's every document per page).
 */
const DECODED_TABLE_SQL = 'CREATE TEMP TABLE IF NOT EXISTS atr_decoded (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)';
const ENCODED_DOCS_SQL = `
  SELECT d.id AS id, ev.payload AS payload
  FROM search_docs d JOIN events ev ON ev.run_key = (SELECT key FROM run_keys WHERE id = @run) AND ev.seq = d.seq
  WHERE d.id > @after AND +d.run_id = @run AND substr(ev.payload, 1, 6) = '${ENCODED_PREFIX}' ORDER BY d.id LIMIT @limit`;
const INDEX_NEW_SQL = `
  INSERT INTO search_fts (rowid, text)
  SELECT e.id, ${EVENT_TEXT_SQL} FROM (
    SELECT d.id AS id, ev.kind AS kind, coalesce(t.payload, ev.payload) AS payload
    FROM search_docs d JOIN events ev ON ev.run_key = (SELECT key FROM run_keys WHERE id = @run) AND ev.seq = d.seq
    LEFT JOIN temp.atr_decoded t ON t.id = d.id
    WHERE d.run_id = @run AND d.id > @after) e`;
/** Encoded payloads decoded per page (bounds what is held in memory). */
const PAGE = 256;

interface Statements {
  search: Database.Statement;
  drain: (run: string) => void;
}
const statements = new WeakMap<Database.Database, Statements>();

function prepare(db: Database.Database): Statements {
  const [dropChanged, dropChangedDocs, addDocs, clearPending] = DRAIN_SQL.map((sql) => db.prepare(sql));
  db.exec(DECODED_TABLE_SQL);
  const encodedDocs = db.prepare(ENCODED_DOCS_SQL);
  const keepDecoded = db.prepare('INSERT INTO temp.atr_decoded (id, payload) VALUES (?, ?)');
  const indexNew = db.prepare(INDEX_NEW_SQL);
  const clearDecoded = db.prepare('DELETE FROM temp.atr_decoded');
  const chunks = chunkStore(db);
  // Documents added by this drain have ids above the largest one before it (INTEGER PRIMARY KEY grows).
  const lastId = db.prepare('SELECT coalesce(max(id), 0) FROM search_docs').pluck();
  return {
    search: db.prepare(SQL),
    drain: db.transaction((run: string) => {
      const before = lastId.get() as number;
      for (const st of [dropChanged, dropChangedDocs, addDocs]) st.run({ run });
      for (let after = before; ; ) {
        const page = encodedDocs.all({ run, after, limit: PAGE }) as { id: number; payload: string }[];
        for (const d of page) keepDecoded.run(d.id, decodePayload(d.payload, chunks));
        if (page.length < PAGE) break;
        after = page[page.length - 1].id;
      }
      indexNew.run({ run, after: before });
      clearDecoded.run();
      clearPending.run({ run });
    }),
  };
}

/** Brings the index of these runs up to date (one write transaction each). */
export function drainSearchIndex(store: TraceStore, runIds: readonly string[]): void {
  const db = dbOf(store);
  let st = statements.get(db);
  if (!st) statements.set(db, (st = prepare(db)));
  for (const id of runIds) st.drain(id);
}

/** Up to `limit` events of the run (with its inherited ones) whose text matches `text`, in seq order. */
export function searchEvents(store: TraceStore, runId: string, text: string, limit: number): { hits: SearchHit[]; query: string } {
  const q = ftsQuery(text);
  if (!q) return { hits: [], query: q };
  const db = dbOf(store);
  let st = statements.get(db);
  if (!st) statements.set(db, (st = prepare(db)));
  const segments = store.lineage(runId).segments;
  drainSearchIndex(store, segments.map((seg) => seg.runId));
  const hits: SearchHit[] = [];
  try {
    for (const seg of segments) {
      if (hits.length >= limit) break;
      const rows = st.search.all({ q, run: seg.runId, after: seg.after, upTo: Math.min(seg.upTo, Number.MAX_SAFE_INTEGER), limit: limit - hits.length }) as { seq: number; kind: string; runId: string; snip: string }[];
      for (const r of rows) hits.push({ seq: r.seq, kind: r.kind as EventKind, runId: r.runId, ...markedSnippet(r.snip) });
    }
  } catch (e) {
    if (e instanceof AtrError) throw e;
    throw new AtrError(ATR.BAD_PARAMS, `search for "${text.slice(0, 80)}" could not be run: ${e instanceof Error ? e.message : String(e)}`, { hint: 'search for plain words' });
  }
  return { hits, query: q };
}

/** The snippet text without markers, and the character ranges the markers enclosed (the matched words). */
export function markedSnippet(raw: string): { snippet: string; matches: [number, number][] } {
  let snippet = '';
  const matches: [number, number][] = [];
  let start = -1;
  for (const ch of raw) {
    if (ch === OPEN) start = snippet.length;
    else if (ch === CLOSE) {
      if (start >= 0) matches.push([start, snippet.length]);
      start = -1;
    } else snippet += ch === '\n' || ch === '\r' || ch === '\t' ? ' ' : ch;
  }
  return { snippet, matches };
}
