/**
 * Integer run keys (migration 7, runKeys.ts) on real SQLite files: a store of the previous schema with a trace, a
 * branch of it and rows of a run that has no runs row is migrated, and reads back the same rows and the same events,
 * states, lineage and totals as a store that recorded the same journals on the new schema. Then what the keys must
 * guarantee afterwards: a deleted run's key is never reused, search still follows changed and deleted rows.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { JournalLine } from '../../shared/trace/journal.js';
import { modelTotals } from './costQueries.js';
import { dbOf } from './handle.js';
import { MIGRATIONS } from './migrations.js';
import { searchEvents } from './searchEvents.js';
import type { TraceStore } from './store.js';
import { dumpStore } from './testSql.js';
import { f64, journal, meta, tmpHome } from './testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';

const { open, close } = testStores();

const T = 'mqa1b2c3-trace';
const B = `${T}__retry`;

const chat = (content: string): string => JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

/** Event `seq` of a timeline recorded by `who`: a state delta, a console line or an LLM call (its reply comes as a patch). */
function ev(who: string, seq: number): JournalLine[] {
  const ts = 1_700_000_000_000 + seq;
  switch (seq % 3) {
    case 0:
      return [{ t: 'ev', seq, kind: 'state', ts, payload: { name: 'mem', ops: [{ op: 'set', path: ['last'], value: `${who}@${seq}` }] } }];
    case 1:
      return [{ t: 'ev', seq, kind: 'console', ts, payload: { stream: 'stdout', text: `${who} line ${seq}\n` } }];
    default:
      return [
        {
          t: 'ev',
          seq,
          kind: 'llm',
          ts,
          fp: 'c'.repeat(64),
          parent: seq - 1,
          payload: { layer: 'fetch', provider: 'openai', stream: false, model: 'gpt-4o-mini', request: { method: 'POST', url: 'http://127.0.0.1/v1/chat/completions', headers: {}, body: { text: `{"q":${seq}}` } } },
        },
        { t: 'patch', seq, payload: { response: { status: 200, headers: {}, body: { text: chat(`${who} answer ${seq}`) } }, usage: { promptTokens: 10, completionTokens: seq, totalTokens: 10 + seq } } },
      ];
  }
}

/** A run's journal in two chunks: events 0..steps-1 (keyframes every 4, a batch of random values), then the end. */
function chunks(id: string, steps: number, who: (seq: number) => string, extra: Parameters<typeof meta>[1] = {}): [string, string] {
  const lines: JournalLine[] = [{ t: 'run', meta: meta(id, extra) }];
  for (let seq = 0; seq < steps; seq++) {
    lines.push(...ev(who(seq), seq));
    if (seq % 4 === 3) lines.push({ t: 'kf', keyframe: { seq, tracked: { mem: { last: `${who(seq)}@${seq - seq % 3}` } }, globals: {}, frames: [], stack: [], files: {}, cursors: {} } });
  }
  lines.push({ t: 'batch', seq: steps, kind: 'random', source: 'Math.random', ts: 1_700_000_001_000, values: [], f64: f64([0.5, 0.25, 0.125]) });
  // The last call's reply comes in the second chunk: merged into the row the first chunk stored.
  const last = lines.findLastIndex((l) => l.t === 'patch');
  const late = lines.splice(last, 1);
  return [journal(...lines), journal(...late, { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 1_700_000_002_000, steps: steps + 3 })];
}

/** The same recordings into a store: a trace of 12 steps and a branch of it forked after step 5. */
function record(s: TraceStore): void {
  for (const [id, text] of [
    [T, chunks(T, 12, () => 'trace')],
    [B, chunks(B, 12, (seq) => (seq <= 5 ? 'trace' : 'retry'), { parentId: T, forkSeq: 5 })],
  ] as const) {
    const ing = s.ingestor(id);
    for (const c of text) ing.ingestText(c);
  }
}

/** Everything a reader sees of a run, through the store's API. */
function view(s: TraceStore, id: string): unknown {
  const lineage = s.lineage(id);
  return {
    run: s.getRun(id),
    own: s.getEvents(id),
    timeline: lineage.events(),
    count: s.countEvents(id),
    llmOnly: s.getEvents(id, { kinds: ['llm'] }),
    states: [0, 3, 5, 6, 9, 13].map((seq) => lineage.stateAt(seq)),
    keyframes: s.keyframeSeqs(id),
    totals: modelTotals(s, lineage.segments),
  };
}

/** Event and keyframe rows of a store of the previous schema, as dumpStore lists them. */
function oldRows(file: string): { events: unknown[]; keyframes: unknown[] } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      events: db.prepare('SELECT run_id, seq, end_seq, batched, kind, ts, payload, fingerprint, parent_seq FROM events ORDER BY run_id, seq').all(),
      keyframes: db.prepare('SELECT run_id, seq, data FROM keyframes ORDER BY run_id, seq').all(),
    };
  } finally {
    db.close();
  }
}

describe('run keys', () => {
  it('migration 7 moves every event and keyframe of an existing store to run keys: runs read back the same', () => {
    const home = tmpHome('atr-keys-');
    const old = open(home, { migrations: MIGRATIONS.slice(0, 6) });
    record(old);
    // Rows of a run whose runs row is gone (a damaged store): the migration keeps them too.
    const odb = dbOf(old);
    odb.prepare("INSERT INTO events (run_id, seq, end_seq, batched, kind, ts, payload) VALUES ('ghost', 0, 0, 0, 'console', 1, ?)").run(JSON.stringify({ stream: 'stdout', text: 'boo\n' }));
    odb.prepare("INSERT INTO keyframes (run_id, seq, data) VALUES ('ghost', 0, ?)").run(JSON.stringify({ seq: 0, tracked: { g: 1 }, globals: {}, frames: [], stack: [], files: {}, cursors: {} }));
    close(old);
    const file = path.join(home, 'traces.db');
    const before = oldRows(file);
    expect(before.events.length).toBeGreaterThan(20);

    const s = open(home);
    const db = dbOf(s);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const cols = (table: string): string[] => (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]);
    expect(cols('events')).toEqual(['run_key', 'seq', 'end_seq', 'batched', 'kind', 'ts', 'payload', 'fingerprint', 'parent_seq']);
    expect(cols('keyframes')).toEqual(['run_key', 'seq', 'data']);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name").pluck().all()).toEqual(['events_llm']);
    // The same rows, byte for byte, under their run ids.
    const after = JSON.parse(dumpStore(s)) as { events: unknown[]; keyframes: unknown[] };
    expect(after.events).toEqual(before.events);
    expect(after.keyframes).toEqual(before.keyframes);
    expect(s.getEvents('ghost')).toEqual([{ seq: 0, kind: 'console', ts: 1, payload: { stream: 'stdout', text: 'boo\n' } }]);
    expect(s.stateAt('ghost', 0).tracked).toEqual({ g: 1 });

    // What every reader sees equals a store that recorded the same journals on the new schema.
    const fresh = open(tmpHome('atr-keys-'));
    record(fresh);
    for (const id of [T, B]) expect(view(s, id), id).toEqual(view(fresh, id));
    expect(s.getRun(T)).toMatchObject({ llmCalls: 4, usage: { promptTokens: 40, completionTokens: 2 + 5 + 8 + 11 } });
    expect(s.lineage(B).stateAt(5).tracked).toEqual({ mem: { last: 'trace@3' } });
    expect(s.lineage(B).stateAt(9).tracked).toEqual({ mem: { last: 'retry@9' } });
    expect(s.getEvent(T, 11)?.payload).toMatchObject({ response: { body: { text: chat('trace answer 11') } } });
  });

  it('search follows the recreated triggers: a migrated run is indexed, a patched row re-indexed, a deleted run dropped', () => {
    const home = tmpHome('atr-keys-');
    const old = open(home, { migrations: MIGRATIONS.slice(0, 6) });
    record(old);
    close(old);
    const s = open(home);
    expect(searchEvents(s, T, 'answer 8', 10).hits.map((h) => h.seq)).toEqual([8]);
    // A patch of a stored row (a reply completed later) queues it for re-indexing through the new update trigger.
    s.ingestor(T).ingestText(journal({ t: 'patch', seq: 8, payload: { response: { status: 200, headers: {}, body: { text: chat('rewritten zanzibar') } } } }));
    expect(searchEvents(s, T, 'zanzibar', 10).hits.map((h) => h.seq)).toEqual([8]);
    expect(searchEvents(s, B, 'retry answer', 10).hits.map((h) => h.seq)).toEqual([8, 11]);
    const docs = (): number => dbOf(s).prepare('SELECT count(*) FROM search_docs WHERE run_id = ?').pluck().get(B) as number;
    expect(docs()).toBeGreaterThan(0);
    s.deleteRun(B);
    expect(docs()).toBe(0);
  });

  it('a deleted run leaves no key behind, and a run recorded again under its id never sees its old rows', () => {
    const s = open(tmpHome('atr-keys-'));
    record(s);
    const db = dbOf(s);
    const keyOf = (id: string): unknown => db.prepare('SELECT key FROM run_keys WHERE id = ?').pluck().get(id);
    const oldKey = keyOf(B) as number;
    s.deleteRun(B);
    expect(keyOf(B)).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM events WHERE run_key = ?').pluck().get(oldKey)).toBe(0);
    const ing = s.ingestor(B);
    ing.ingestText(journal({ t: 'run', meta: meta(B, { parentId: T, forkSeq: 5 }) }, ...ev('again', 6)));
    expect(keyOf(B)).toBeGreaterThan(oldKey);
    expect(s.getEvents(B).map((e) => e.seq)).toEqual([6]);
    expect(s.keyframeSeqs(B)).toEqual([]);
  });

  it('the migrated store is smaller: no run id in event rows nor in an index of every event', () => {
    const home = tmpHome('atr-keys-');
    const old = open(home, { migrations: MIGRATIONS.slice(0, 6) });
    const lines: JournalLine[] = [{ t: 'run', meta: meta(B) }];
    for (let seq = 0; seq < 3000; seq++) lines.push({ t: 'ev', seq, kind: 'console', ts: seq, payload: { stream: 'stdout', text: `line ${seq}\n` } });
    old.ingestor(B).ingestText(journal(...lines));
    const bytesOf = (s: TraceStore): number => dbOf(s).prepare("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'events%'").pluck().get() as number;
    const before = bytesOf(old);
    close(old);
    const s = open(home);
    expect(s.countEvents(B)).toBe(3000);
    // 458,752 bytes before, 262,144 after (16 KB pages).
    expect(bytesOf(s)).toBeLessThan(before * 0.65);
  });
});
