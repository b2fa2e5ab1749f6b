/** Full-text search over a real SQLite store: indexing by triggers, branch lineage, masking, backfill, bad input. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { JournalLine } from '../../shared/trace/journal.js';
import { dbOf } from './handle.js';
import { MIGRATIONS } from './migrations.js';
import { ftsQuery, markedSnippet, searchEvents } from './searchEvents.js';
import type { TraceStore } from './store.js';
import { journal, meta, tmpHome } from './testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';

const { open, close } = testStores();

const SECRET = 'host-secret-value-98765';

/** A recorded run: a prompt, the reply arriving later in a patch (as a streamed call does), a tool, a console line. */
const recorded = (id: string): JournalLine[] => [
  { t: 'run', meta: meta(id) },
  { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'plan', input: { city: 'Lisbon' } } },
  { t: 'ev', seq: 1, kind: 'llm', ts: 2, payload: { layer: 'fetch', provider: 'openai', model: 'gpt-4o-mini', stream: true, request: { method: 'POST', url: 'http://mock/v1/chat/completions', headers: {} }, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'Three things to do in Lisbon' }] }, parent: 0 },
  { t: 'batch', seq: 2, kind: 'random', source: 'Math.random', ts: 3, values: [0.25] },
  { t: 'patch', seq: 1, payload: { reply: { role: 'assistant', content: 'Visit the azulejo museum, ride tram 28, eat pastéis.' }, durationMs: 40 } },
  { t: 'ev', seq: 3, kind: 'tool', ts: 4, payload: { name: 'weather', input: ['Lisbon'], output: { sky: 'drizzle' } } },
  { t: 'ev', seq: 4, kind: 'console', ts: 5, payload: { stream: 'stdout', text: `token ${SECRET} in use; plan ready` } },
  { t: 'ev', seq: 5, kind: 'error', ts: 6, payload: { origin: 'uncaughtException', name: 'TypeError', message: "Cannot read properties of undefined (reading 'forecast')", stack: 'TypeError: ...\n    at main (/agents/demo.mjs:12:3)' } },
];

const seqs = (s: TraceStore, run: string, q: string): number[] => searchEvents(s, run, q, 50).hits.map((h) => h.seq);

describe('searchEvents', () => {
  it('finds words inside payloads stored compressed (large LLM calls)', () => {
    const s = open(tmpHome());
    const long = 'filler words about nothing in particular. '.repeat(80);
    s.ingestor('big').ingestText(
      journal(
        { t: 'run', meta: meta('big') },
        { t: 'ev', seq: 0, kind: 'llm', ts: 1, payload: { layer: 'fetch', provider: 'openai', model: 'gpt-4o-mini', stream: false, request: { method: 'POST', url: 'http://mock/v1/chat/completions', headers: {} }, messages: [{ role: 'user', content: long }], reply: { role: 'assistant', content: `${long} the quetzal flies` } } },
      ),
    );
    const stored = dbOf(s).prepare("SELECT payload FROM events WHERE run_key = (SELECT key FROM run_keys WHERE id = 'big') AND seq = 0").pluck().get() as string;
    expect(stored.startsWith('{"$z":')).toBe(true);
    expect(seqs(s, 'big', 'quetzal')).toEqual([0]);
  });

  it('finds words of replies that arrived in a patch, tool results, console lines and errors, with snippets', () => {
    const s = open(tmpHome(), { env: { MY_TOKEN: SECRET } });
    s.ingestor('r1').ingestText(journal(...recorded('r1')));
    const { hits } = searchEvents(s, 'r1', 'azulejo', 10);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ seq: 1, kind: 'llm', runId: 'r1' });
    const [a, b] = hits[0].matches[0];
    expect(hits[0].snippet.slice(a, b).toLowerCase()).toBe('azulejo');
    expect(seqs(s, 'r1', 'drizzle')).toEqual([3]);
    expect(seqs(s, 'r1', 'forecast')).toEqual([5]);
    expect(seqs(s, 'r1', 'lisbon')).toEqual([0, 1, 3]);
    // Prefixes and every word required; diacritics folded.
    expect(seqs(s, 'r1', 'tram mus')).toEqual([1]);
    expect(seqs(s, 'r1', 'pasteis')).toEqual([1]);
    expect(seqs(s, 'r1', 'tram drizzle')).toEqual([]);
    // Only masked text is indexed: the secret is not searchable.
    expect(seqs(s, 'r1', SECRET)).toEqual([]);
    expect(seqs(s, 'r1', 'plan ready')).toEqual([4]);
    const raw = dbOf(s).prepare('SELECT group_concat(text) FROM search_fts').pluck().get() as string;
    expect(raw).toContain('azulejo');
    expect(raw).not.toContain(SECRET);
    // Values are never indexed.
    expect(dbOf(s).prepare("SELECT count(*) FROM search_docs WHERE kind = 'random'").pluck().get()).toBe(0);
  });

  it('stays current while a run records: new events and later patches are found by the next search', () => {
    const s = open(tmpHome());
    const ing = s.ingestor('live');
    ing.ingestText(journal(...recorded('live').slice(0, 3)));
    expect(seqs(s, 'live', 'azulejo')).toEqual([]);
    expect(seqs(s, 'live', 'lisbon')).toEqual([0, 1]);
    ing.ingestText(journal(...recorded('live').slice(3, 5)));
    expect(seqs(s, 'live', 'azulejo')).toEqual([1]);
    ing.ingestText(journal(...recorded('live').slice(5)));
    expect(seqs(s, 'live', 'drizzle')).toEqual([3]);
    ing.ingestText(journal({ t: 'patch', seq: 3, payload: { output: { sky: 'hail' } } }));
    expect(seqs(s, 'live', 'drizzle')).toEqual([]);
    expect(seqs(s, 'live', 'hail')).toEqual([3]);
    expect(dbOf(s).prepare('SELECT count(*) FROM search_pending').pluck().get()).toBe(0);
    expect(dbOf(s).prepare('SELECT count(*) FROM search_fts').pluck().get()).toBe(dbOf(s).prepare('SELECT count(*) FROM search_docs').pluck().get());
  });

  it('is branch-aware: inherited steps up to the fork, the own ones after, never the parent after the fork', () => {
    const s = open(tmpHome());
    s.ingestor('t').ingestText(journal(...recorded('t')));
    s.ingestor('t__b', { keepAfterSeq: 1 }).ingestText(
      journal(
        { t: 'run', meta: meta('t__b', { parentId: 't', forkSeq: 1, mode: 'branch' }) },
        { t: 'ev', seq: 3, kind: 'tool', ts: 9, payload: { name: 'weather', input: ['Lisbon'], output: { sky: 'sunshine' } } },
      ),
    );
    expect(seqs(s, 't__b', 'azulejo')).toEqual([1]);
    expect(searchEvents(s, 't__b', 'azulejo', 5).hits[0].runId).toBe('t');
    expect(seqs(s, 't__b', 'sunshine')).toEqual([3]);
    expect(seqs(s, 't__b', 'drizzle')).toEqual([]);
    expect(seqs(s, 't', 'sunshine')).toEqual([]);
    // Deleting the branch removes its documents; re-ingesting a run does not duplicate them.
    s.deleteRun('t__b');
    expect(dbOf(s).prepare("SELECT count(*) FROM search_docs WHERE run_id = 't__b'").pluck().get()).toBe(0);
    s.ingestor('t').ingestText(journal(...recorded('t')));
    expect(seqs(s, 't', 'azulejo')).toEqual([1]);
    expect(dbOf(s).prepare('SELECT count(*) FROM search_fts').pluck().get()).toBe(dbOf(s).prepare('SELECT count(*) FROM search_docs').pluck().get());
  });

  it('any user text is a valid query: FTS syntax is taken literally, nothing left means no results', () => {
    const s = open(tmpHome());
    s.ingestor('r').ingestText(journal(...recorded('r')));
    for (const q of ['"unbalanced', 'AND OR NOT', 'NEAR(a b', '*', 'col:text', '(((', "it's", '-tram', '^tram', '"" ""']) {
      expect(() => searchEvents(s, 'r', q, 10), q).not.toThrow();
    }
    expect(seqs(s, 'r', '-tram')).toEqual([1]);
    expect(seqs(s, 'r', '*')).toEqual([]);
    expect(ftsQuery('say "hi" now')).toBe('"say"* """hi"""* "now"*');
    expect(ftsQuery('  ... ')).toBe('');
  });

  it('the migration indexes the events of an existing store: nothing stored before is lost to search', () => {
    const home = tmpHome();
    const old = open(home, { migrations: MIGRATIONS.slice(0, 3) });
    old.ingestor('r').ingestText(journal(...recorded('r')));
    close(old);
    const raw = new Database(`${home}/traces.db`);
    expect(raw.pragma('user_version', { simple: true })).toBe(3);
    raw.close();
    const s = open(home);
    expect(dbOf(s).pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(seqs(s, 'r', 'azulejo')).toEqual([1]);
    expect(seqs(s, 'r', 'drizzle')).toEqual([3]);
  });

  it('markedSnippet turns the markers into ranges', () => {
    expect(markedSnippet('a \u0002tram\u0003 b\n\u0002mus\u0003eum')).toEqual({ snippet: 'a tram b museum', matches: [[2, 6], [9, 12]] });
  });
});
