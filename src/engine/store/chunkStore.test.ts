/**
 * Content-defined chunks (chunkStore.ts): a value's cuts follow its content, so a conversation resent with one more
 * turn shares all but the chunks around the change; a run of growing LLM calls is stored in a fraction of what
 * compressing each payload alone takes, and every reader (events, blobs, search, export, import) gets the exact
 * values back. A chunk that is missing is an error, never other bytes.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalLine } from '../../shared/trace/journal.js';
import { exportTrace } from '../traceFile/exportTrace.js';
import { importTraceFile } from '../traceFile/importTrace.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { encodeBlob } from './blobCodec.js';
import { CHUNK_KEY_BYTES, chunkEnds } from './chunkStore.js';
import { dbOf } from './handle.js';
import { MIGRATIONS } from './migrations.js';
import { encodePayload } from './payloadCodec.js';
import { searchEvents } from './searchEvents.js';
import type { TraceStore } from './store.js';
import { journal, meta, tmpHome } from './testJournal.js';

const { open, close } = testStores();

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Varied text, like tool output: numbers and words that do not repeat with a short period. */
function toolOutput(turn: number, bytes: number): string {
  let out = `tool result ${turn}:`;
  for (let i = 0; out.length < bytes; i++) out += ` row=${(turn * 7919 + i * 104729) % 1000003} status=${(i + turn) % 3 ? 'ok' : 'retry'}`;
  return out;
}

function chunkKeys(bytes: Buffer): string[] {
  let start = 0;
  return chunkEnds(bytes).map((end) => sha(bytes.subarray(start, (start = end))));
}

/** The journal of `calls` chat calls, each resending the whole conversation plus one tool result of `turnBytes`. */
function growingRun(runId: string, calls: number, turnBytes: number): { lines: JournalLine[]; bodies: string[] } {
  const messages: { role: string; content: string }[] = [{ role: 'system', content: 'You are a careful agent.' }];
  const lines: JournalLine[] = [{ t: 'run', meta: meta(runId) }];
  const bodies: string[] = [];
  for (let i = 0; i < calls; i++) {
    messages.push({ role: 'user', content: toolOutput(i, turnBytes) });
    const body = JSON.stringify({ messages, model: 'gpt-x' });
    bodies.push(body);
    const reply = `step ${i} done`;
    const request = { method: 'POST', url: 'http://127.0.0.1:1/v1/chat/completions', headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body: { text: body } };
    lines.push({ t: 'ev', seq: i, kind: 'llm', ts: 1000 + i, payload: { layer: 'fetch', request, startedAtMs: 1000 + i, provider: 'openai', stream: false, model: 'gpt-x' } });
    const response = { status: 200, headers: { 'content-type': 'application/json' }, body: { text: JSON.stringify({ choices: [{ message: { role: 'assistant', content: reply } }] }) } };
    lines.push({ t: 'patch', seq: i, payload: { durationMs: 3, reply: { role: 'assistant', content: reply }, usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 }, response } });
    messages.push({ role: 'assistant', content: reply });
  }
  lines.push({ t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 9999, steps: calls });
  return { lines, bodies };
}

const storedBytes = (store: TraceStore, table: 'events' | 'chunks' | 'blobs', col: string): number => dbOf(store).prepare(`SELECT coalesce(sum(length(${col})), 0) FROM ${table}`).pluck().get() as number;

describe('content-defined chunks', () => {
  it('cut where the content says: an insertion changes only the chunks around it', () => {
    const a = Buffer.from(toolOutput(1, 200_000));
    const at = 120_000;
    const b = Buffer.concat([a.subarray(0, at), Buffer.from(toolOutput(2, 300)), a.subarray(at)]);
    const ends = chunkEnds(a);
    expect(ends[ends.length - 1]).toBe(a.length);
    const sizes = ends.map((e, i) => e - (i === 0 ? 0 : ends[i - 1]));
    expect(Math.min(...sizes.slice(0, -1))).toBeGreaterThanOrEqual(1024);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16 * 1024);
    // Neither a fixed size nor one chunk: about 5 KB on average.
    expect(ends.length).toBeGreaterThan(20);
    const ka = new Set(chunkKeys(a));
    const kb = chunkKeys(b);
    const fresh = kb.filter((k) => !ka.has(k));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.length).toBeLessThanOrEqual(3);
  });

  it('cuts text that repeats with a short period at the same phase, whatever its offset in the value', () => {
    // The pattern never hits: without a point the content chooses, cuts at the maximum size would shift with the offset.
    const prompt = 'Cite the tool output you used, keep to the policy, answer tersely. '.repeat(700);
    const a = Buffer.from(JSON.stringify({ headers: { 'content-length': '48000' }, system: prompt }));
    const b = Buffer.from(JSON.stringify({ headers: { 'content-length': '48000', 'x-request-id': 'req_8812' }, system: prompt }));
    const ka = new Set(chunkKeys(a));
    const kb = chunkKeys(b);
    expect(kb.length).toBeGreaterThan(3);
    expect(kb.filter((k) => !ka.has(k)).length).toBeLessThanOrEqual(2);
  });

  it('stores a growing conversation once, and every reader gets the exact values back', async () => {
    const store = open();
    const empty = store.usedBytes();
    const { lines, bodies } = growingRun('grow', 40, 2000);
    store.ingestor('grow').ingestText(journal(...lines));
    const events = store.getEvents('grow');
    expect(events).toHaveLength(40);
    events.forEach((e, i) => {
      const p = e.payload as { request: { body: { text?: string; blob?: string } }; messages: unknown[]; reply: unknown };
      const body = p.request.body.text ?? store.getBlob(p.request.body.blob as string)?.toString('utf8');
      expect(body).toBe(bodies[i]);
      expect(p.messages).toEqual((JSON.parse(bodies[i]) as { messages: unknown[] }).messages);
      expect(p.reply).toEqual({ role: 'assistant', content: `step ${i} done` });
    });
    // Payloads of 16 KB and more are chunked; bodies over 64 KB are blobs, stored as chunks too.
    const rows = dbOf(store).prepare("SELECT seq, payload FROM events WHERE kind = 'llm' ORDER BY seq").all() as { seq: number; payload: string }[];
    expect(rows.filter((r) => r.payload.startsWith('{"$z":3,')).length).toBeGreaterThan(30);
    expect(rows[rows.length - 1].payload).toContain('"usage":{"promptTokens":10');
    const blobs = dbOf(store).prepare('SELECT hash, size, chunked, length(data) AS stored FROM blobs').all() as { hash: string; size: number; chunked: number; stored: number }[];
    expect(blobs.length).toBeGreaterThan(0);
    for (const b of blobs) {
      expect(b.chunked).toBe(1);
      expect(b.stored % CHUNK_KEY_BYTES).toBe(0);
      expect(sha(store.getBlob(b.hash) as Buffer)).toBe(b.hash);
    }
    // Against each payload compressed alone (as before chunks): a fraction of the bytes.
    const alone = events.reduce((n, e) => n + encodePayload(JSON.stringify(e.payload), e.payload).length, 0) + blobs.reduce((n, b) => n + encodeBlob(store.getBlob(b.hash) as Buffer).byteLength, 0);
    const chunked = storedBytes(store, 'events', 'payload') + storedBytes(store, 'chunks', 'data') + storedBytes(store, 'blobs', 'data');
    expect(chunked).toBeLessThan(alone / 3);
    // The pages the store uses grew by the rows' bytes and their page overhead, not by what compressing alone takes.
    const grown = store.usedBytes() - empty;
    expect(grown).toBeGreaterThan(chunked);
    expect(grown).toBeLessThan(alone / 2);
    // Usage totals are read by SQL from the fields kept in clear.
    expect(store.getRun('grow')?.usage?.totalTokens).toBe(40 * 12);
    // Search indexes the decoded text of every call, chunked or not (the system prompt: in all of them).
    expect(searchEvents(store, 'grow', 'careful agent', 100).hits.map((h) => h.seq)).toEqual(events.map((e) => e.seq));

    // Export writes the values, import stores them chunked again: the same events and blobs come back.
    const file = path.join(tmpHome('atr-chunks-'), 'grow.agenttrace');
    await exportTrace(store, 'grow', { out: file, env: {} });
    const dest = open();
    await importTraceFile(dest, file);
    expect(dest.getEvents('grow')).toEqual(events);
    for (const b of blobs) expect(sha(dest.getBlob(b.hash) as Buffer)).toBe(b.hash);
    expect(storedBytes(dest, 'chunks', 'data')).toBeGreaterThan(0);
    expect(storedBytes(dest, 'events', 'payload')).toBeLessThan(storedBytes(store, 'events', 'payload') * 2);
  });

  it('a missing chunk is an error naming it, never other bytes', () => {
    const store = open();
    store.ingestor('gone').ingestText(journal(...growingRun('gone', 12, 2000).lines));
    const key = dbOf(store).prepare('SELECT key FROM chunks LIMIT 1').pluck().get() as Buffer;
    dbOf(store).prepare('DELETE FROM chunks WHERE key = ?').run(key);
    expect(() => store.getEvents('gone')).toThrow(new RegExp(`chunk ${key.toString('hex')}`));
  });
});

describe('a store of the previous schema (no chunks)', () => {
  it('is migrated: its compressed rows read the same, new runs are chunked next to them', () => {
    const home = tmpHome('atr-chunks-');
    const old = open(home, { migrations: MIGRATIONS.slice(0, 8) });
    const run = growingRun('old', 30, 2500);
    old.ingestor('old').ingestText(journal(...run.lines));
    const before = old.getEvents('old');
    const oldDb = dbOf(old);
    expect(oldDb.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'chunks'").pluck().get()).toBe(0);
    expect(oldDb.prepare('SELECT count(*) FROM events WHERE payload LIKE \'{"$z":2,%\'').pluck().get()).toBeGreaterThan(0);
    const oldBlobs = oldDb.prepare('SELECT hash FROM blobs').pluck().all() as string[];
    expect(oldBlobs.length).toBeGreaterThan(0);
    close(old);

    const s = open(home);
    expect(dbOf(s).pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(s.getEvents('old')).toEqual(before);
    for (const h of oldBlobs) expect(sha(s.getBlob(h) as Buffer)).toBe(h);
    s.ingestor('new').ingestText(journal(...growingRun('new', 30, 2500).lines));
    expect(s.getEvents('new').map((e) => e.payload)).toEqual(before.map((e) => e.payload));
    expect(dbOf(s).prepare("SELECT count(*) FROM events WHERE run_key = (SELECT key FROM run_keys WHERE id = 'new') AND payload LIKE '{\"$z\":3,%'").pluck().get()).toBeGreaterThan(0);
  });
});

describe('a trace file payload that looks encoded', () => {
  it('is imported and read back as the data it is, not decompressed', async () => {
    const src = open();
    // A step whose payload starts like a compressed stored value (`{"$z":2,…}`: brotli of some other text).
    const lookalike = { $z: 2, d: 'CwOAeyJ4IjoxfQM=', note: 'plain data' };
    src.ingestor('odd').ingestText(journal({ t: 'run', meta: meta('odd') }, { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: lookalike }, { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 2, steps: 1 }));
    expect(src.getEvents('odd')[0].payload).toEqual(lookalike);
    const file = path.join(tmpHome('atr-chunks-'), 'odd.agenttrace');
    await exportTrace(src, 'odd', { out: file, env: {} });
    const dest = open();
    await importTraceFile(dest, file);
    expect(dest.getEvents('odd')[0].payload).toEqual(lookalike);
  });
});
