/**
 * Payloads at rest: large event payloads and keyframes are stored deflated (payloadCodec.ts) in 16 KB pages, and
 * every read returns exactly what the agent recorded. A real agent (openai v6 against the mock LLM server) is
 * recorded, its journal ingested, and the store's events, keyframes and raw rows compared to the journal; a store of
 * the previous schema (plain payloads, 4 KB pages) is migrated and reads the same.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Keyframe, LlmPayload, TraceEvent } from '../../shared/trace/types.js';
import { readJournalEvents, readJournalLines } from '../../../test/helpers/journal.js';
import { runAgent } from '../../../test/helpers/recordAgent.js';
import { useMockLlm } from '../../../test/mock/useMockLlm.js';
import { dbOf } from './handle.js';
import { MIGRATIONS } from './migrations.js';
import { BROTLI_MIN_CHARS, CHUNK_MIN_CHARS, COMPRESS_MIN_CHARS, decodePayload, encodePayload } from './payloadCodec.js';
import { eventRows, keyframeRows } from './runRows.js';
import type { TraceStore } from './store.js';
import { tmpHome } from './testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';

const mock = useMockLlm();
const { open, close } = testStores();

let journalFile = '';
let journalText = '';
let expected: TraceEvent[] = [];
let expectedKfs: Keyframe[] = [];

beforeAll(async () => {
  const run = await runAgent('test/agents/state-llm-loop.mjs', { args: ['30'], env: { MOCK_LLM_URL: mock.url } });
  if (run.code !== 0) throw new Error(`agent failed: ${run.stderr}`);
  journalFile = run.journal!;
  journalText = fs.readFileSync(journalFile, 'utf8');
  expected = readJournalEvents(journalFile);
  expectedKfs = readJournalLines(journalFile).flatMap((l) => (l.t === 'kf' ? [l.keyframe] : []));
}, 120_000);

function ingestInto(home: string, migrations = MIGRATIONS): TraceStore {
  const s = open(home, { migrations });
  s.ingestor('run-1').ingestText(journalText, Buffer.byteLength(journalText));
  return s;
}

/** Everything a reader can get back, compared with the journal. */
function expectSameAsJournal(s: TraceStore): void {
  expect(s.getEvents('run-1')).toEqual(expected);
  for (const kf of expectedKfs) expect(s.getKeyframe('run-1', kf.seq)).toEqual(kf);
  // Raw rows (export, import comparison): the payload texts parse to the journal's payloads.
  const bySeq = new Map(expected.map((e) => [e.seq, e]));
  for (const row of eventRows(s, 'run-1')) if (!row.batched) expect(JSON.parse(row.payload)).toEqual(bySeq.get(row.seq)!.payload);
  expect(keyframeRows(s, 'run-1').map((k) => JSON.parse(k.data) as Keyframe)).toEqual(expectedKfs);
  const llm = expected.filter((e) => e.kind === 'llm').map((e) => e.payload as LlmPayload);
  const run = s.getRun('run-1');
  expect(run.llmCalls).toBe(30);
  expect(run.usage.totalTokens).toBe(llm.reduce((n, p) => n + (p.usage?.totalTokens ?? 0), 0));
  expect(run.usage.totalTokens).toBeGreaterThan(0);
}

describe('payloads at rest', () => {
  it('round-trips texts exactly; small ones stay plain JSON, large ones keep model and usage readable by SQL', () => {
    const small = JSON.stringify({ name: 'x' });
    expect(encodePayload(small)).toBe(small);
    const value = { model: 'gpt-4o-mini', usage: { totalTokens: 3 }, messages: [{ role: 'user', content: 'é'.repeat(4 * COMPRESS_MIN_CHARS) }] };
    const text = JSON.stringify(value);
    const stored = encodePayload(text, value);
    expect(stored.length).toBeLessThan(text.length / 4);
    expect(decodePayload(stored)).toBe(text);
    expect(JSON.parse(stored)).toMatchObject({ model: 'gpt-4o-mini', usage: { totalTokens: 3 } });
    // A reply without usage stays visible to the cost query (a call of unknown cost), not its text.
    const unmetered = { model: 'm', reply: { role: 'assistant', content: 'x'.repeat(COMPRESS_MIN_CHARS) } };
    const packed = JSON.parse(encodePayload(JSON.stringify(unmetered), unmetered)) as Record<string, unknown>;
    expect(packed.reply).toBe(1);
    expect(packed.usage).toBeUndefined();
    // A plain text that looks like an encoded one is encoded anyway, so it cannot be misread.
    for (const lookalike of ['{"$z":1,"d":"not base64"}', '{"$z":2,"d":"not base64"}', '{"$z":9}']) expect(decodePayload(encodePayload(lookalike))).toBe(lookalike);
  });

  it('stores a long conversation call once over (brotli from 48 KB): the body and the same messages parsed', () => {
    // Varied text like tool output, so the size says what the encoding does, not how repetitive the sample is.
    let seed = 11;
    const turn = (i: number): string => {
      let t = `tool result ${i}:`;
      while (t.length < 600) t += ` row=${(seed = (seed * 1103515245 + 12345) % 2147483648) % 100000}`;
      return t;
    };
    const messages = Array.from({ length: 60 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: turn(i) }));
    const value = { model: 'gpt-4o-mini', usage: { totalTokens: 9 }, request: { body: { text: JSON.stringify({ model: 'gpt-4o-mini', messages }) } }, messages };
    const text = JSON.stringify(value);
    expect(text.length).toBeGreaterThan(BROTLI_MIN_CHARS);
    const stored = encodePayload(text, value);
    expect(stored.startsWith('{"$z":2,')).toBe(true);
    expect(decodePayload(stored)).toBe(text);
    expect(JSON.parse(stored)).toMatchObject({ model: 'gpt-4o-mini', usage: { totalTokens: 9 } });
    // About one copy of the conversation: deflate (32 KB back) could not refer the second copy to the first.
    const oneCopy = encodePayload(JSON.stringify({ messages }), { messages });
    expect(oneCopy.startsWith('{"$z":1,')).toBe(true);
    expect(stored.length).toBeLessThan(oneCopy.length * 1.25);
    // Below the threshold the dictionary's deflate stays (and every earlier stored value decodes as before).
    const mid = JSON.stringify({ model: 'm', messages: messages.slice(0, 20) });
    expect(mid.length).toBeLessThan(BROTLI_MIN_CHARS);
    expect(encodePayload(mid).startsWith('{"$z":1,')).toBe(true);
    expect(decodePayload(encodePayload(mid))).toBe(mid);
  });

  it('chunks a text of CHUNK_MIN_CHARS and more where a chunk store is given: key list and clear head only', () => {
    const kept = new Map<string, Buffer>();
    const chunks = {
      put: (bytes: Buffer): Buffer => {
        const key = Buffer.from([kept.size]);
        kept.set(key.toString('hex'), bytes);
        return key;
      },
      get: (keys: Buffer): Buffer => kept.get(keys.toString('hex')) as Buffer,
    };
    const value = { model: 'm', usage: { totalTokens: 5 }, messages: [{ role: 'user', content: 'x'.repeat(CHUNK_MIN_CHARS) }] };
    const text = JSON.stringify(value);
    const stored = encodePayload(text, value, chunks);
    expect(JSON.parse(stored)).toEqual({ $z: 3, model: 'm', usage: { totalTokens: 5 }, c: 'AA==' });
    expect(decodePayload(stored, chunks)).toBe(text);
    expect(() => decodePayload(stored)).toThrow(/without the chunk store/);
    // Below the threshold, the chunk store is not used.
    const mid = JSON.stringify({ messages: [{ content: 'y'.repeat(CHUNK_MIN_CHARS / 2) }] });
    expect(encodePayload(mid, undefined, chunks).startsWith('{"$z":1,')).toBe(true);
    expect(kept.size).toBe(1);
  });

  it('stores a real agent run compressed in 16 KB pages and reads back exactly what was recorded', () => {
    const home = tmpHome();
    const s = ingestInto(home);
    const db = dbOf(s);
    expect(db.pragma('page_size', { simple: true })).toBe(16384);
    const llmRows = db.prepare("SELECT payload FROM events WHERE run_key = (SELECT key FROM run_keys WHERE id = 'run-1') AND kind = 'llm'").pluck().all() as string[];
    expect(llmRows.length).toBe(30);
    expect(llmRows.every((p) => p.startsWith('{"$z":1,'))).toBe(true);
    const plain = expected.filter((e) => e.kind === 'llm').reduce((n, e) => n + JSON.stringify(e.payload).length, 0);
    const stored = llmRows.reduce((n, p) => n + p.length, 0);
    expect(stored).toBeLessThan(plain / 3);
    // Keyframes of 1 KB and more are stored compressed, smaller ones plain (how many captures fit in the locals
    // budget depends on the machine's load, so the count of large ones is not fixed).
    const kfRows = db.prepare("SELECT data FROM keyframes WHERE run_key = (SELECT key FROM run_keys WHERE id = 'run-1') ORDER BY seq").pluck().all() as string[];
    expect(kfRows.length).toBe(expectedKfs.length);
    kfRows.forEach((data, i) => {
      // Clear of the threshold (masking may change a text's length a little on the way in).
      const size = JSON.stringify(expectedKfs[i]).length;
      if (size >= 2 * COMPRESS_MIN_CHARS) expect(data.startsWith('{"$z":1,'), `keyframe ${expectedKfs[i].seq}`).toBe(true);
      if (size < COMPRESS_MIN_CHARS / 2) expect(data.startsWith('{"$z":1,'), `keyframe ${expectedKfs[i].seq}`).toBe(false);
    });
    expectSameAsJournal(s);
    // Cost per model reads the clear head of compressed rows.
    expect(db.prepare("SELECT DISTINCT json_extract(payload, '$.model') FROM events WHERE kind = 'llm'").pluck().all()).toEqual(['gpt-4o-mini']);
  });

  it('migrates a store of the previous schema (plain payloads, 4 KB pages) and reads its runs the same', () => {
    const home = tmpHome();
    // The previous schema: 4 KB pages, migrations 1-3, every payload plain JSON text.
    const file = path.join(home, 'traces.db');
    fs.mkdirSync(home, { recursive: true });
    const raw = new Database(file);
    raw.pragma('page_size = 4096');
    raw.exec('VACUUM');
    raw.close();
    const old = ingestInto(home, MIGRATIONS.slice(0, 3));
    const db = dbOf(old);
    for (const r of db.prepare('SELECT run_id, seq, payload FROM events').all() as { run_id: string; seq: number; payload: string }[]) {
      db.prepare('UPDATE events SET payload = ? WHERE run_id = ? AND seq = ?').run(decodePayload(r.payload), r.run_id, r.seq);
    }
    for (const r of db.prepare('SELECT run_id, seq, data FROM keyframes').all() as { run_id: string; seq: number; data: string }[]) {
      db.prepare('UPDATE keyframes SET data = ? WHERE run_id = ? AND seq = ?').run(decodePayload(r.data), r.run_id, r.seq);
    }
    expect(db.prepare("SELECT count(*) FROM events WHERE payload LIKE '{\"$z\":%'").pluck().get()).toBe(0);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    close(old);

    const s = open(home);
    expect(dbOf(s).pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(dbOf(s).pragma('page_size', { simple: true })).toBe(4096);
    expectSameAsJournal(s);
    // New runs in the migrated store are stored compressed next to the old plain ones.
    s.ingestor('run-2').ingestText(journalText.replaceAll('"id":"x"', '"id":"run-2"'));
    expect(dbOf(s).prepare("SELECT count(*) FROM events WHERE run_key = (SELECT key FROM run_keys WHERE id = 'run-2') AND payload LIKE '{\"$z\":1,%'").pluck().get()).toBe(30);
    expect(s.getEvents('run-2')).toEqual(expected);
  });
});
