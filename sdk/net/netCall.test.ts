/** NetCall in-process: compressed replies, secrets in responses, binary bodies, size limits. */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NetCall } from './netCall.js';
import { BodyCopy } from './bodyCopy.js';
import { throwawayRecorder } from './throwawayRecorder.js';
import { readJournalEvents, readJournalLines } from '../../test/helpers/journal.js';
import type { HttpPayload, LlmPayload } from '../../src/shared/trace/types.js';
import type { JournalLine } from '../../src/shared/trace/journal.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const chat = { method: 'POST', url: 'https://api.openai.com/v1/chat/completions', headers: { 'content-type': 'application/json' } };
const reqBody = Buffer.from(JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }));
const reply = JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });

describe('NetCall', () => {
  it('stores gzip bodies as wire bytes and still extracts the LLM reply', async () => {
    const { rec, journal } = throwawayRecorder();
    const call = NetCall.start(rec, 'http', { ...chat, body: reqBody })!;
    call.response(200, 'OK', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    const gz = zlib.gzipSync(reply);
    call.data(gz.subarray(0, 10));
    call.data(gz.subarray(10));
    call.end();
    await tick();
    rec.flush(); // journal lines are buffered until the next flush
    const p = readJournalEvents(journal)[0].payload as LlmPayload;
    expect(p.provider).toBe('openai');
    expect(p.response?.body).toMatchObject({ encoding: 'binary', size: gz.byteLength });
    expect(p.reply).toEqual({ role: 'assistant', content: 'hello' });
    expect(p.usage?.totalTokens).toBe(2);
    rec.end('ok', { code: 0 });
  });

  it('masks secrets in the response body, its chunks and the reply', async () => {
    const secret = 'sk-test-ZZZZ9999YYYY8888';
    const { rec, journal } = throwawayRecorder();
    const call = NetCall.start(rec, 'fetch', { ...chat, body: reqBody })!;
    call.response(200, 'OK', { 'content-type': 'text/event-stream' });
    const frame = (c: string): string => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: c } }] })}\n\n`;
    call.data(Buffer.from(frame('key is ')));
    call.data(Buffer.from(frame(secret)));
    call.end();
    await tick();
    rec.flush(); // journal lines are buffered until the next flush
    const text = readJournalLines(journal)
      .map((l) => JSON.stringify(l))
      .join('\n');
    expect(text).not.toContain(secret);
    rec.flush(); // journal lines are buffered until the next flush
    const p = readJournalEvents(journal)[0].payload as LlmPayload;
    expect(p.reply?.content).toBe('key is ***');
    expect(p.response?.chunks?.[1].data).toContain('***');
    rec.end('ok', { code: 0 });
  });

  it('stores binary request bodies as blobs and fingerprints them by hash', () => {
    const { rec, journal } = throwawayRecorder();
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    NetCall.start(rec, 'http', { method: 'PUT', url: 'http://h/bin', headers: {}, body: bytes });
    NetCall.start(rec, 'http', { method: 'PUT', url: 'http://h/bin', headers: {}, body: Buffer.from([0xff, 0xfe, 0x00, 0x81]) });
    rec.flush(); // journal lines are buffered until the next flush
    const [a, b] = readJournalEvents(journal);
    expect((a.payload as HttpPayload).request.body).toMatchObject({ encoding: 'binary', size: 4 });
    expect(a.fingerprint).not.toBe(b.fingerprint);
    rec.flush(); // journal lines are buffered until the next flush
    expect(readJournalLines(journal).filter((l) => l.t === 'blob')).toHaveLength(2);
    rec.end('ok', { code: 0 });
  });

  it("leaves a recording's fingerprint and messages of a text or absent body to the host, which derives the replay's own", () => {
    const big = Buffer.from(JSON.stringify({ input: 'x'.repeat(70 * 1024) }));
    const requests = [
      { method: 'POST', url: 'https://api.openai.com/v1/chat/completions?b=2&a=1', headers: {}, body: reqBody },
      { method: 'get', url: 'http://h/items', headers: {}, body: null },
      { method: 'PUT', url: 'http://h/bin', headers: {}, body: Buffer.from([0xff, 0xfe, 0x00, 0x80]) },
      { method: 'POST', url: 'http://h/big', headers: {}, body: big },
    ];
    const run = (mode: 'record' | 'replay'): { lines: Extract<JournalLine, { t: 'ev' }>[]; journal: string } => {
      const { rec, journal } = throwawayRecorder([], mode);
      for (const r of requests) NetCall.start(rec, 'http', r);
      rec.flush();
      const lines = readJournalLines(journal).filter((l) => l.t === 'ev');
      rec.end('ok', { code: 0 });
      return { lines, journal };
    };
    const recorded = run('record');
    const replayed = run('replay');
    // Text and absent bodies: no fingerprint in the recording's journal; a binary body (a blob) keeps it.
    expect(recorded.lines.map((l) => l.fp !== undefined)).toEqual([false, false, true, false]);
    // A text body over 64 KB is written inline too: the store makes it a blob, the agent does not hash it.
    expect((recorded.lines[3].payload as unknown as HttpPayload).request.body).toEqual({ text: big.toString('utf8') });
    expect(readJournalLines(recorded.journal).filter((l) => l.t === 'blob')).toHaveLength(1);
    expect(replayed.lines.every((l) => typeof l.fp === 'string')).toBe(true);
    // The host's (readJournalEvents adds them as the store's ingest does) is the replay's own: replays keep matching.
    const stored = readJournalEvents(recorded.journal);
    expect(stored.map((e) => e.fingerprint)).toEqual(replayed.lines.map((l) => l.fp));
    // The chat call's messages too: left out of the recording's line (they are in its body), the same once stored.
    expect(recorded.lines[0].kind).toBe('llm');
    expect((recorded.lines[0].payload as unknown as LlmPayload).messages).toBeUndefined();
    expect((replayed.lines[0].payload as unknown as LlmPayload).messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect({ ...stored[0].payload, startedAtMs: 0 }).toEqual({ ...(replayed.lines[0].payload as object), startedAtMs: 0 });
  });

  it('records a truncated request body by size only', () => {
    const { rec, journal } = throwawayRecorder();
    const copy = new BodyCopy(8);
    copy.add(Buffer.from('12345'));
    copy.add(Buffer.from('67890'));
    expect(copy.overflow).toBe(true);
    expect(copy.bytes()).toBeNull();
    NetCall.start(rec, 'http', { method: 'POST', url: 'http://h/up', headers: {}, body: copy.bytes(), truncatedSize: copy.size });
    rec.flush(); // journal lines are buffered until the next flush
    const [ev] = readJournalEvents(journal);
    expect((ev.payload as HttpPayload).request.body).toBeUndefined();
    rec.flush(); // journal lines are buffered until the next flush
    expect(readJournalLines(journal).some((l) => l.t === 'warn' && l.message.includes('request body over 64 MB'))).toBe(true);
    rec.end('ok', { code: 0 });
  });

  it('records a failure after a partial response with what arrived', async () => {
    const { rec, journal } = throwawayRecorder();
    const call = NetCall.start(rec, 'fetch', { method: 'GET', url: 'http://h/x', headers: {}, body: null })!;
    call.response(200, 'OK', { 'content-type': 'text/plain' });
    call.data(Buffer.from('part'));
    call.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    call.end();
    await tick();
    rec.flush(); // journal lines are buffered until the next flush
    const p = readJournalEvents(journal)[0].payload as HttpPayload;
    expect(p.error).toEqual({ name: 'Error', message: 'socket hang up', code: 'ECONNRESET' });
    expect(p.response?.body).toEqual({ text: 'part' });
    rec.end('ok', { code: 0 });
  });
});
