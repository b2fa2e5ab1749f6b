/**
 * The undici recording interceptor in-process, against a scripted downstream dispatcher: context rules, body
 * handling (sync, buffered, streamed) and fault tolerance.
 */
import { describe, expect, it } from 'vitest';
import { isInternal } from '../core/internal.js';
import { recordingInterceptor } from './undiciHook.js';
import { throwawayRecorder } from './throwawayRecorder.js';
import { readJournalEvents, readJournalLines } from '../../test/helpers/journal.js';
import type { LlmPayload } from '../../src/shared/trace/types.js';

type Handler = Record<string, ((...args: unknown[]) => void) | undefined>;
interface Seen {
  opts: Record<string, unknown>;
  handler: Handler;
  internal: boolean;
}

/** A downstream dispatch that answers later from a timer created in its own (internal) context. */
function scriptedDispatch(seen: Seen[], reply: { status: number; headers: Record<string, string>; chunks: string[] }) {
  return (opts: Record<string, unknown>, handler: Handler): boolean => {
    seen.push({ opts, handler, internal: isInternal() });
    const ctrl = {};
    setTimeout(() => {
      handler.onRequestStart?.(ctrl, {});
      handler.onResponseStart?.(ctrl, reply.status, reply.headers, 'OK');
      for (const c of reply.chunks) handler.onResponseData?.(ctrl, Buffer.from(c));
      handler.onResponseEnd?.(ctrl, {});
    }, 5);
    return true;
  };
}

/** The caller's handler: notes whether each callback ran in the internal context, resolves at the end. */
function callerHandler() {
  const contexts: Record<string, boolean> = {};
  let body = '';
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const handler = {
    onRequestStart: () => (contexts.start = isInternal()),
    onResponseStart: () => (contexts.head = isInternal()),
    onResponseData: (_c: unknown, chunk: Buffer) => {
      contexts.data = isInternal();
      body += chunk.toString();
    },
    onResponseEnd: () => {
      contexts.end = isInternal();
      resolve();
    },
    onResponseError: () => resolve(),
  };
  // Response patches are written on the next loop turn (off the agent's critical path): wait for it.
  const settled = done.then(() => new Promise<void>((r) => setImmediate(r)));
  return { handler, contexts, done: settled, body: () => body };
}

const sse = 'data: {"choices":[{"index":0,"delta":{"content":"hi "}}]}\n\n';
const sse2 = 'data: {"choices":[{"index":0,"delta":{"content":"there"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
const chatBody = JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'q' }] });
const base = { origin: 'http://127.0.0.1:9', path: '/v1/chat/completions', method: 'POST' };

async function* gen(parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

describe('recordingInterceptor', () => {
  it('dispatches internally but calls the caller back in the issuing context, and records the stream', async () => {
    const { rec, journal } = throwawayRecorder();
    const seen: Seen[] = [];
    const dispatch = recordingInterceptor(rec)(scriptedDispatch(seen, { status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: [sse, sse2] }) as never);
    const caller = callerHandler();
    expect(isInternal()).toBe(false);
    dispatch({ ...base, headers: { authorization: 'Bearer abcdefgh12345678' }, body: chatBody }, caller.handler as never);
    await caller.done;
    expect(seen[0].internal).toBe(true);
    expect(caller.contexts).toEqual({ start: false, head: false, data: false, end: false });
    expect(caller.body()).toBe(sse + sse2);
    rec.flush(); // journal lines are buffered until the next flush
    const [ev] = readJournalEvents(journal);
    const p = ev.payload as LlmPayload;
    expect(ev.kind).toBe('llm');
    expect(p.request.headers.authorization).toBe('***');
    expect(p.reply).toEqual({ role: 'assistant', content: 'hi there' });
    expect(p.finishReason).toBe('stop');
    expect(p.response?.chunks?.map((c) => c.data)).toEqual([sse, sse2]);
    rec.end('ok', { code: 0 });
  });

  it('reads a finite streamed body first (event in issue order) and sends the bytes downstream', async () => {
    const { rec, journal } = throwawayRecorder();
    const seen: Seen[] = [];
    const dispatch = recordingInterceptor(rec)(scriptedDispatch(seen, { status: 200, headers: { 'content-type': 'application/json' }, chunks: ['{}'] }) as never);
    const caller = callerHandler();
    const parts = [chatBody.slice(0, 7), chatBody.slice(7)];
    expect(dispatch({ ...base, headers: { 'content-length': String(chatBody.length) }, body: gen(parts) }, caller.handler as never)).toBe(true);
    await caller.done;
    expect(Buffer.isBuffer(seen[0].opts.body)).toBe(true);
    expect(String(seen[0].opts.body)).toBe(chatBody);
    rec.flush(); // journal lines are buffered until the next flush
    const [ev] = readJournalEvents(journal);
    expect((ev.payload as LlmPayload).request.body).toEqual({ text: chatBody });
    expect((ev.payload as LlmPayload).response?.status).toBe(200);
    rec.end('ok', { code: 0 });
  });

  it('passes a body of unknown length through as a stream and records it once sent', async () => {
    const { rec, journal } = throwawayRecorder();
    const seen: Seen[] = [];
    const inner = scriptedDispatch(seen, { status: 201, headers: {}, chunks: [] });
    // Downstream consumes the streamed body before answering, like a real client writing the request.
    const consuming = (opts: Record<string, unknown>, handler: Handler): boolean => {
      void (async () => {
        let sent = '';
        for await (const c of opts.body as AsyncIterable<Buffer>) sent += c.toString();
        inner({ ...opts, sent }, handler);
      })();
      return true;
    };
    const dispatch = recordingInterceptor(rec)(consuming as never);
    const caller = callerHandler();
    dispatch({ origin: 'http://h', path: '/upload', method: 'PUT', headers: {}, body: gen(['a', 'b', 'c']) }, caller.handler as never);
    await caller.done;
    expect(seen[0].opts.sent).toBe('abc');
    rec.flush(); // journal lines are buffered until the next flush
    const [ev] = readJournalEvents(journal);
    expect(ev.kind).toBe('http');
    expect(ev.payload).toMatchObject({ request: { method: 'PUT', url: 'http://h/upload', body: { text: 'abc' } }, response: { status: 201 } });
    rec.end('ok', { code: 0 });
  });

  it('never throws into the caller when recording fails: the call goes through unrecorded', async () => {
    const { rec, journal } = throwawayRecorder();
    rec.emit = () => {
      throw new Error('disk on fire');
    };
    const seen: Seen[] = [];
    const dispatch = recordingInterceptor(rec)(scriptedDispatch(seen, { status: 200, headers: {}, chunks: ['ok'] }) as never);
    const caller = callerHandler();
    expect(() => dispatch({ ...base, headers: {}, body: chatBody }, caller.handler as never)).not.toThrow();
    await caller.done;
    expect(caller.body()).toBe('ok');
    expect(seen[0].opts.body).toBe(chatBody);
    rec.flush(); // journal lines are buffered until the next flush
    const lines = readJournalLines(journal);
    expect(lines.some((l) => l.t === 'warn' && l.message.includes('disk on fire'))).toBe(true);
    expect(lines.some((l) => l.t === 'ev' || l.t === 'patch')).toBe(false);
    rec.end('ok', { code: 0 });
  });

  it('does not record protocol upgrades', async () => {
    const { rec, journal } = throwawayRecorder();
    const seen: Seen[] = [];
    const dispatch = recordingInterceptor(rec)(scriptedDispatch(seen, { status: 101, headers: {}, chunks: [] }) as never);
    const caller = callerHandler();
    dispatch({ origin: 'http://h', path: '/ws', method: 'GET', headers: {}, upgrade: 'websocket' }, caller.handler as never);
    await caller.done;
    rec.flush(); // journal lines are buffered until the next flush
    expect(readJournalEvents(journal)).toEqual([]);
    rec.end('ok', { code: 0 });
  });

  it('records handlers of the legacy API (Node\'s bundled undici): raw headers, back-pressure and the event before onConnect', async () => {
    const { rec, journal } = throwawayRecorder();
    const order: string[] = [];
    const emit = rec.emit.bind(rec);
    rec.emit = ((...args: Parameters<typeof rec.emit>) => {
      order.push(`event ${args[0]}`);
      return emit(...args);
    }) as typeof rec.emit;
    const returned: unknown[] = [];
    let internalDownstream: boolean | undefined;
    // A legacy downstream: onConnect inside dispatch (a kept-alive connection), the answer from a timer.
    const legacyDispatch = (_opts: unknown, h: Handler): boolean => {
      internalDownstream = isInternal();
      h.onConnect?.(() => undefined, null);
      setTimeout(() => {
        h.onResponseStarted?.();
        returned.push(h.onHeaders?.(200, [Buffer.from('Content-Type'), Buffer.from('application/json')], () => undefined, 'OK'));
        returned.push(h.onData?.(Buffer.from('{"choices":[{"message":{"role":"assistant","content":"legacy ok"}}]}')));
        h.onComplete?.([]);
      }, 5);
      return true;
    };
    const contexts: Record<string, boolean> = {};
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const caller = {
      onConnect: () => (order.push('onConnect'), (contexts.connect = isInternal())),
      onResponseStarted: () => (contexts.started = isInternal()),
      onHeaders: () => ((contexts.head = isInternal()), true),
      onData: () => ((contexts.data = isInternal()), false), // asks undici to pause
      onComplete: () => ((contexts.end = isInternal()), done()),
      onError: () => done(),
    };
    const dispatch = recordingInterceptor(rec)(legacyDispatch as never);
    expect(dispatch({ ...base, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [] }) }, caller as never)).toBe(true);
    await finished;
    await new Promise<void>((r) => setImmediate(r));
    expect(internalDownstream).toBe(true);
    expect(order).toEqual(['event llm', 'onConnect']);
    // The timing hook is library work; the caller's own callbacks run in its context; return values pass through.
    expect(contexts).toEqual({ connect: false, started: true, head: false, data: false, end: false });
    expect(returned).toEqual([true, false]);
    rec.flush();
    const [ev] = readJournalEvents(journal);
    const p = ev.payload as LlmPayload;
    expect(p.response?.status).toBe(200);
    expect(p.response?.headers['content-type']).toBe('application/json');
    expect(p.reply).toEqual({ role: 'assistant', content: 'legacy ok' });
    rec.end('ok', { code: 0 });
  });
});
