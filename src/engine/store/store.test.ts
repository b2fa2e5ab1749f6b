import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Json, StateOp } from '../../shared/trace/types.js';
import { AtrError } from '../errors.js';
import { dbOf } from './handle.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { openStore } from './store.js';
import { f64, journal, meta, tmpHome } from './testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';

const { open } = testStores();

describe('store: schema and migrations', () => {
  it('creates a WAL database at $home/traces.db with the latest schema version', () => {
    const home = tmpHome();
    const s = open(home);
    expect(s.file).toBe(path.join(home, 'traces.db'));
    expect(fs.existsSync(s.file)).toBe(true);
    expect(dbOf(s).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(dbOf(s).pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('re-opening keeps every run, and a new migration runs on top of existing data', () => {
    const home = tmpHome();
    const s1 = open(home);
    s1.ingestor('run-a').ingestText(journal({ t: 'run', meta: meta('run-a') }, { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'one' } }));
    s1.close();

    const s2 = open(home);
    expect(s2.getRun('run-a').scriptPath).toBe('/agents/demo.mjs');
    s2.close();

    const extra: Migration = (db) => db.exec('ALTER TABLE runs ADD COLUMN note TEXT');
    const s3 = open(home, { migrations: [...MIGRATIONS, extra] });
    expect(dbOf(s3).pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    expect(s3.getEvents('run-a').map((e) => e.payload)).toEqual([{ name: 'one' }]);
    expect(dbOf(s3).prepare('SELECT note FROM runs WHERE id = ?').pluck().get('run-a')).toBeNull();
  });

  it('refuses a store written by a newer AgentTrace and leaves it untouched', () => {
    const home = tmpHome();
    open(home).close();
    const raw = new Database(path.join(home, 'traces.db'));
    raw.pragma(`user_version = ${MIGRATIONS.length + 3}`);
    raw.close();
    const before = fs.readFileSync(path.join(home, 'traces.db'));
    let err: unknown;
    try {
      open(home);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AtrError);
    expect((err as AtrError).code).toBe('ATR_STORE_VERSION');
    expect((err as AtrError).message).toContain(`schema version ${MIGRATIONS.length + 3}`);
    expect(fs.readFileSync(path.join(home, 'traces.db')).equals(before)).toBe(true);
  });

  it('names the native binding it tried when better-sqlite3 cannot load', () => {
    const home = tmpHome();
    const bogus = path.join(home, 'nope', 'better_sqlite3.node');
    let err: unknown;
    try {
      openStore({ home, nativeBinding: bogus, env: {} });
    } catch (e) {
      err = e;
    }
    expect((err as AtrError).code).toBe('ATR_STORE');
    expect((err as AtrError).message).toContain(bogus);
    expect((err as AtrError).hint).toContain('AGENTTRACE_SQLITE_BINDING');
  });

  it('reads the binding path from AGENTTRACE_SQLITE_BINDING', () => {
    const home = tmpHome();
    const bogus = path.join(home, 'electron-build.node');
    expect(() => openStore({ home, env: { AGENTTRACE_SQLITE_BINDING: bogus } })).toThrow(bogus);
  });

  it('fails clearly on a file that is not a database', () => {
    const home = tmpHome();
    fs.writeFileSync(path.join(home, 'traces.db'), 'this is not sqlite, just text '.repeat(100));
    expect(() => open(home)).toThrow(/cannot open the store .*traces\.db/);
  });
});

describe('store: ingest', () => {
  it('stores run metadata, events with fingerprints and parents, and the end record', () => {
    const s = open(tmpHome());
    const ing = s.ingestor('r1');
    const res = ing.ingestText(
      journal(
        { t: 'run', meta: meta('r1', { name: 'demo', argv: ['--x'], pid: 42 }) },
        { t: 'ev', seq: 0, kind: 'step', ts: 10, payload: { name: 'plan' } },
        { t: 'ev', seq: 1, kind: 'http', ts: 11, payload: { layer: 'fetch', request: { method: 'GET', url: 'http://x/', headers: {} } }, fp: 'fp1', parent: 0 },
        { t: 'end', status: 'failed', exit: { code: 3 }, endedAt: 99, steps: 2 },
      ),
    );
    expect(res).toEqual({ lines: 4, events: 2, bad: 0 });
    const run = s.getRun('r1');
    expect(run).toMatchObject({ id: 'r1', name: 'demo', argv: ['--x'], pid: 42, status: 'failed', exitCode: 3, endedAt: 99, steps: 2 });
    expect(ing.end?.status).toBe('failed');
    const ev = s.getEvent('r1', 1);
    expect(ev).toMatchObject({ seq: 1, kind: 'http', ts: 11, fingerprint: 'fp1', parentSeq: 0 });
  });

  it('merges a patch that arrives after many other events, across chunks', () => {
    const s = open(tmpHome());
    const ing = s.ingestor('r2');
    const request = { method: 'POST', url: 'https://api.openai.com/v1/chat/completions', headers: {} };
    ing.ingestText(journal({ t: 'run', meta: meta('r2') }, { t: 'ev', seq: 0, kind: 'llm', ts: 1, payload: { layer: 'fetch', provider: 'openai', stream: false, request } }));
    const filler = Array.from({ length: 50 }, (_, i) => ({ t: 'ev' as const, seq: i + 1, kind: 'console' as const, ts: 2, payload: { stream: 'stdout', text: `line ${i}` } }));
    ing.ingestText(journal(...filler));
    expect(s.getRun('r2').llmCalls).toBe(1);
    expect(s.getRun('r2').usage.totalTokens).toBe(0);
    ing.ingestText(journal({ t: 'patch', seq: 0, payload: { response: { status: 200, headers: {} }, usage: { promptTokens: 7, completionTokens: 5, totalTokens: 12 }, reply: { role: 'assistant', content: 'hi' } } }));
    const ev = s.getEvent('r2', 0);
    expect(ev?.payload).toMatchObject({ provider: 'openai', request, response: { status: 200 }, reply: { content: 'hi' } });
    expect(s.getRun('r2')).toMatchObject({ llmCalls: 1, usage: { promptTokens: 7, completionTokens: 5, totalTokens: 12 }, steps: 51 });
  });

  it('holds a patch whose event has not arrived yet, and applies it when the event comes', () => {
    const s = open(tmpHome());
    const ing = s.ingestor('r3');
    ing.ingestText(journal({ t: 'run', meta: meta('r3') }, { t: 'patch', seq: 4, payload: { output: 42 } }));
    expect(ing.orphanPatches).toEqual([4]);
    ing.ingestText(journal({ t: 'ev', seq: 4, kind: 'tool', ts: 1, payload: { name: 'calc' } }));
    expect(s.getEvent('r3', 4)?.payload).toEqual({ name: 'calc', output: 42 });
    expect(ing.orphanPatches).toEqual([]);
  });

  it('stores batches as one row and expands them to one event per value with its own seq', () => {
    const s = open(tmpHome());
    const ing = s.ingestor('r4');
    const nums = [0.1, 0.2, 0.3, 0.4];
    ing.ingestText(
      journal(
        { t: 'run', meta: meta('r4') },
        { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'a' } },
        { t: 'batch', seq: 1, kind: 'random', source: 'Math.random', ts: 2, values: [], f64: f64(nums) },
        { t: 'batch', seq: 5, kind: 'time', source: 'Date.now', ts: 3, values: [1000, 1001] },
        { t: 'batch', seq: 7, kind: 'crypto', source: 'crypto.randomUUID', ts: 3, values: ['u-1'] },
        { t: 'ev', seq: 8, kind: 'step', ts: 4, payload: { name: 'b' } },
      ),
    );
    expect(dbOf(s).prepare("SELECT count(*) FROM events WHERE run_key = (SELECT key FROM run_keys WHERE id = 'r4')").pluck().get()).toBe(5);
    expect(s.countEvents('r4')).toBe(9);
    expect(s.getRun('r4').steps).toBe(9);
    const all = s.getEvents('r4');
    expect(all.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(all.slice(1, 5).map((e) => e.payload)).toEqual(nums.map((value) => ({ source: 'Math.random', value })));
    expect(s.getEvent('r4', 6)).toEqual({ seq: 6, kind: 'time', ts: 3, payload: { source: 'Date.now', value: 1001 } });
    expect(s.getEvent('r4', 7)?.payload).toEqual({ source: 'crypto.randomUUID', value: 'u-1' });
    // Ranges that start and end inside batches.
    expect(s.getEvents('r4', { from: 3, to: 5 }).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(s.getEvents('r4', { from: 2, limit: 2 }).map((e) => e.seq)).toEqual([2, 3]);
    expect(s.getEvents('r4', { kinds: ['step', 'time'] }).map((e) => e.seq)).toEqual([0, 5, 6, 8]);
    expect(s.getEvents('r4', { from: 3, kinds: ['random'] }).map((e) => e.seq)).toEqual([3, 4]);
    expect(s.getEvent('r4', 9)).toBeUndefined();
  });

  it('dedupes blobs by hash across runs', () => {
    const s = open(tmpHome());
    const bytes = Buffer.from('file contents shared by two runs\n');
    const hash = 'c0ffee'.repeat(10) + 'abcd';
    for (const id of ['b1', 'b2']) {
      s.ingestor(id).ingestText(journal({ t: 'run', meta: meta(id) }, { t: 'blob', hash, b64: bytes.toString('base64') }, { t: 'blob', hash, b64: bytes.toString('base64') }));
    }
    expect(dbOf(s).prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(1);
    expect(s.getBlob(hash)?.equals(bytes)).toBe(true);
  });

  it('drops a torn last line and skips a corrupt middle line with a warning', () => {
    const s = open(tmpHome());
    const ing = s.ingestor('r5');
    const text =
      journal({ t: 'run', meta: meta('r5') }, { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'a' } }) +
      '{"t":"ev","seq":1,"kind":"st\n' +
      '{"t":"ev"}\n' +
      journal({ t: 'ev', seq: 2, kind: 'step', ts: 1, payload: { name: 'c' } }) +
      '{"t":"ev","seq":3,"kind":"step","ts":1,"payl';
    const res = ing.ingestText(text);
    expect(res).toEqual({ lines: 3, events: 2, bad: 2 });
    expect(s.getEvents('r5').map((e) => e.seq)).toEqual([0, 2]);
    const warnings = s.getRun('r5').warnings;
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/journal line 3 skipped/);
    expect(warnings[1]).toMatch(/journal line 4 skipped: event record with a bad seq/);
  });

  it('is idempotent: re-ingesting the same journal changes nothing (no double-counted usage)', () => {
    const s = open(tmpHome());
    const text = journal(
      { t: 'run', meta: meta('r6') },
      { t: 'ev', seq: 0, kind: 'llm', ts: 1, payload: { provider: 'groq', stream: false } },
      { t: 'patch', seq: 0, payload: { usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } } },
      { t: 'batch', seq: 1, kind: 'random', source: 'Math.random', ts: 2, values: [0.5] },
    );
    s.ingestor('r6').ingestText(text);
    s.ingestor('r6').ingestText(text);
    expect(s.getRun('r6')).toMatchObject({ llmCalls: 1, usage: { totalTokens: 3 }, steps: 2 });
    expect(s.countEvents('r6')).toBe(2);
  });

  it('commits the journal offset with the lines it covers', () => {
    const s = open(tmpHome());
    const text = journal({ t: 'run', meta: meta('r7') }, { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'a' } });
    s.ingestor('r7').ingestText(text, Buffer.byteLength(text));
    expect(s.journalOffset('r7')).toBe(Buffer.byteLength(text));
  });

  it('keeps events of a journal without run line reachable under a placeholder run', () => {
    const s = open(tmpHome());
    s.ingestor('r8').ingestText(journal({ t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'a' } }));
    expect(s.getRun('r8').scriptPath).toMatch(/unknown/);
    expect(s.getEvents('r8')).toHaveLength(1);
  });

  it('rejects a journal from a newer trace format without writing anything', () => {
    const s = open(tmpHome());
    expect(() => s.ingestor('r9').ingestText(journal({ t: 'run', meta: meta('r9', { formatVersion: 99 }) }, { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'a' } }))).toThrow(
      /trace format 99/,
    );
    expect(s.findRun('r9')).toBeUndefined();
    expect(s.countEvents('r9')).toBe(0);
  });

  it('masks secrets defensively with the host env, in events, metadata, keyframes and blobs', () => {
    const home = tmpHome();
    const secret = 'host-secret-value-12345';
    const s = open(home, { env: { MY_SERVICE_TOKEN: secret } });
    const blobText = `config token=${secret} and sk-proj-abcdefghijklmnop1234\n`;
    s.ingestor('m1').ingestText(
      journal(
        { t: 'run', meta: meta('m1', { argv: [`--key=${secret}`], scriptSource: `const k = "gsk_ABCDEFGHIJKLMNOP1234"` }) },
        { t: 'ev', seq: 0, kind: 'console', ts: 1, payload: { stream: 'stdout', text: `using ${secret} now` } },
        { t: 'ev', seq: 1, kind: 'http', ts: 1, payload: { layer: 'fetch', request: { method: 'GET', url: 'http://x', headers: { authorization: 'Bearer abcdefghijkl' } } } },
        { t: 'patch', seq: 1, payload: { response: { status: 200, headers: {}, body: { text: `{"api_key":"${secret}"}` } } } },
        { t: 'kf', keyframe: { seq: 1, tracked: { creds: { apiKey: secret } as Json }, globals: {}, frames: [], stack: [], files: {}, cursors: {} } },
        { t: 'blob', hash: 'aa'.repeat(32), b64: Buffer.from(blobText).toString('base64') },
        { t: 'warn', message: `hook failed with ${secret}` },
      ),
    );
    dbOf(s).pragma('wal_checkpoint(TRUNCATE)');
    s.close();
    for (const f of fs.readdirSync(home).filter((n) => n.startsWith('traces.db'))) {
      const raw = fs.readFileSync(path.join(home, f)).toString('latin1');
      expect(raw).not.toContain(secret);
      expect(raw).not.toContain('sk-proj-abcdefghijklmnop1234');
      expect(raw).not.toContain('gsk_ABCDEFGHIJKLMNOP1234');
      expect(raw).not.toContain('abcdefghijkl');
    }
    const s2 = open(home);
    expect(s2.getEvent('m1', 0)?.payload).toEqual({ stream: 'stdout', text: 'using *** now' });
    expect(s2.getBlob('aa'.repeat(32))?.toString()).toBe('config token=*** and ***\n');
  });
});

describe('store: state at a step', () => {
  const set = (path: (string | number)[], value: Json): StateOp => ({ op: 'set', path, value });

  it('applies state deltas after the nearest keyframe at or before the step', () => {
    const s = open(tmpHome());
    const kf = (seq: number, tracked: Record<string, Json>) => ({ t: 'kf' as const, keyframe: { seq, tracked, globals: { g: seq }, frames: [], stack: [], files: {}, cursors: {} } });
    s.ingestor('st').ingestText(
      journal(
        { t: 'run', meta: meta('st') },
        { t: 'ev', seq: 0, kind: 'state', ts: 1, payload: { name: 'plan', ops: [set([], { todo: ['a'] })] } },
        { t: 'ev', seq: 1, kind: 'state', ts: 1, payload: { name: 'plan', ops: [set(['todo', 1], 'b')] } },
        kf(1, { plan: { todo: ['a', 'b'] } }),
        { t: 'ev', seq: 2, kind: 'step', ts: 1, payload: { name: 'work' } },
        { t: 'ev', seq: 3, kind: 'state', ts: 1, payload: { name: 'plan', ops: [set(['done'], true), { op: 'del', path: ['todo', 0] }] } },
        { t: 'ev', seq: 4, kind: 'state', ts: 1, payload: { name: 'memo', ops: [set([], 'x')] } },
        { t: 'ev', seq: 5, kind: 'fs', ts: 1, payload: { op: 'writeFile', path: '/out.txt', api: 'sync', content: { blob: 'h1', size: 1, encoding: 'utf8' } } },
      ),
    );
    expect(s.stateAt('st', 0)).toMatchObject({ keyframeSeq: null, tracked: { plan: { todo: ['a'] } }, globals: {} });
    expect(s.stateAt('st', 1)).toMatchObject({ keyframeSeq: 1, tracked: { plan: { todo: ['a', 'b'] } }, globals: { g: 1 } });
    expect(s.stateAt('st', 2).tracked).toEqual({ plan: { todo: ['a', 'b'] } });
    expect(s.stateAt('st', 3).tracked).toEqual({ plan: { todo: ['b'], done: true } });
    expect(s.stateAt('st', 5)).toMatchObject({ tracked: { plan: { todo: ['b'], done: true }, memo: 'x' }, files: { '/out.txt': 'h1' } });
  });

  it('stays fast on a long run: only deltas after the keyframe are read', () => {
    const s = open(tmpHome());
    const lines = [];
    for (let seq = 0; seq < 20_000; seq++) {
      lines.push({ t: 'ev' as const, seq, kind: 'state' as const, ts: 1, payload: { name: 'n', ops: [set([], seq)] } });
      if (seq % 10 === 9) lines.push({ t: 'kf' as const, keyframe: { seq, tracked: { n: seq }, globals: {}, frames: [], stack: [], files: {}, cursors: {} } });
    }
    s.ingestor('long').ingestText(journal({ t: 'run', meta: meta('long') }, ...lines));
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) expect(s.stateAt('long', 19_995 - i).tracked.n).toBe(19_995 - i);
    expect((performance.now() - t0) / 200).toBeLessThan(5);
  });
});

describe('store: ids and listing', () => {
  it('resolves unique prefixes, prefers an exact id, and errors on unknown or ambiguous ones', () => {
    const s = open(tmpHome());
    for (const [i, id] of ['abc123', 'abd999', 'abc123__branch'].entries()) s.ingestor(id).ingestText(journal({ t: 'run', meta: meta(id, { startedAt: 1000 + i }) }));
    expect(s.resolveRunId('abd')).toBe('abd999');
    expect(s.resolveRunId('abc123')).toBe('abc123');
    expect(s.resolveRunId('abc123_')).toBe('abc123__branch');
    // A prefix of one trace that also matches only its own branches means the trace.
    expect(s.resolveRunId('abc')).toBe('abc123');
    expect(() => s.resolveRunId('ab')).toThrow(/matches 3 runs/);
    try {
      s.resolveRunId('ab');
    } catch (e) {
      expect((e as AtrError).code).toBe('ATR_AMBIGUOUS_ID');
    }
    expect(() => s.resolveRunId('zzz')).toThrow(expect.objectContaining({ code: 'ATR_NOT_FOUND' }));
    expect(() => s.resolveRunId('  ')).toThrow(expect.objectContaining({ code: 'ATR_BAD_ARGS' }));
  });

  it('lists runs newest first with totals and duration', () => {
    const s = open(tmpHome());
    s.ingestor('old').ingestText(journal({ t: 'run', meta: meta('old', { startedAt: 1000 }) }, { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 1500, steps: 0 }));
    s.ingestor('new').ingestText(journal({ t: 'run', meta: meta('new', { startedAt: 2000, name: 'n' }) }));
    const { runs, total } = s.listRuns();
    expect(total).toBe(2);
    expect(runs.map((r) => r.id)).toEqual(['new', 'old']);
    expect(runs[1]).toMatchObject({ status: 'ok', durationMs: 500, exitCode: 0 });
    expect(runs[0]).toMatchObject({ status: 'running', name: 'n' });
    expect(s.listRuns({ query: 'ol' }).runs.map((r) => r.id)).toEqual(['old']);
    expect(s.listRuns({ limit: 1 }).runs).toHaveLength(1);
  });
});
