import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/types.js';
import { EVENT_KINDS, MAX_CHUNK_TIMES, summarizeEvent, toEventSummary } from './eventSummary.js';

const ev = (kind: TraceEvent['kind'], payload: unknown, seq = 3): TraceEvent => ({ seq, kind, ts: 1000 + seq, payload }) as TraceEvent;

const llm = {
  layer: 'fetch',
  provider: 'openai',
  model: 'gpt-mock',
  stream: false,
  request: { method: 'POST', url: 'http://127.0.0.1:1/v1/chat/completions', headers: {} },
  response: { status: 200, headers: {} },
  reply: { role: 'assistant', content: 'Otters hold hands while they sleep so they do not drift apart.' },
  usage: { promptTokens: 12, completionTokens: 9, totalTokens: 21 },
  finishReason: 'stop',
  durationMs: 42.5,
};

describe('toEventSummary: span tree and waterfall facts', () => {
  it('carries the parent step, the library mark, the wait and the stream chunk times (bounded)', () => {
    const chunks = Array.from({ length: 100 }, (_, i) => ({ t: 50 + i, data: `data: ${i}\n\n` }));
    const s = toEventSummary({ ...ev('llm', { ...llm, stream: true, ttfbMs: 45, response: { status: 200, headers: {}, chunks } }), parentSeq: 1 });
    expect(s.parentSeq).toBe(1);
    expect(s.ttfbMs).toBe(45);
    expect(s.chunkTimes).toHaveLength(MAX_CHUNK_TIMES);
    expect(s.chunkTimes?.[0]).toBe(50);
    expect(s.chunkTimes?.[MAX_CHUNK_TIMES - 1]).toBe(149);
    const lib = toEventSummary(ev('time', { source: 'Date.now', value: 1, lib: true }));
    expect(lib).toMatchObject({ lib: true, group: 'time:Date.now (library)' });
    expect(toEventSummary(ev('time', { source: 'Date.now', value: 1 }))).not.toHaveProperty('lib');
  });
});

describe('toEventSummary', () => {
  it('uses the CLI summary as the title and adds duration, detail and no error flag for a good LLM call', () => {
    const s = toEventSummary(ev('llm', llm));
    expect(s).toEqual({
      seq: 3,
      kind: 'llm',
      ts: 1003,
      title: summarizeEvent(ev('llm', llm), 160),
      detail: 'HTTP 200 · 12 in / 9 out tokens · finish: stop',
      durationMs: 42.5,
    });
    expect(s.title).toBe('openai gpt-mock → Otters hold hands while they sleep so they do not drift apart. [21 tok]');
  });

  it('flags failures: HTTP >= 400, network errors, failed steps and fs calls, errors, non-zero exits', () => {
    const flagged = [
      ev('llm', { ...llm, reply: undefined, usage: undefined, response: { status: 429, headers: {} } }),
      ev('http', { layer: 'http', request: { method: 'GET', url: 'http://x/', headers: {} }, error: { name: 'Error', message: 'ECONNREFUSED', code: 'ECONNREFUSED' } }),
      ev('step', { name: 'plan', error: { name: 'TypeError', message: 'boom' }, durationMs: 5 }),
      ev('fs', { op: 'writeFile', path: '/ro/x', api: 'sync', error: 'EACCES' }),
      ev('error', { origin: 'uncaughtException', name: 'Error', message: 'bad', stack: 'Error: bad\n    at main (/a.mjs:3:9)' }),
      ev('exit', { code: 1 }),
      ev('exit', { code: null, signal: 'SIGKILL' }),
    ].map((e) => toEventSummary(e));
    expect(flagged.map((s) => s.error)).toEqual([true, true, true, true, true, true, true]);
    expect(flagged[1].detail).toBe('ECONNREFUSED');
    expect(flagged[2]).toMatchObject({ detail: 'TypeError: boom', durationMs: 5 });
    expect(flagged[4].detail).toBe('at main (/a.mjs:3:9)');

    const fine = [
      ev('http', { layer: 'fetch', request: { method: 'GET', url: 'http://x/', headers: {} }, response: { status: 304, statusText: 'Not Modified', headers: {} } }),
      ev('exit', { code: 0 }),
      ev('console', { stream: 'stderr', text: 'warning only' }),
      ev('random', { source: 'Math.random', value: 0.25 }),
    ].map((e) => toEventSummary(e));
    expect(fine.map((s) => s.error)).toEqual([undefined, undefined, undefined, undefined]);
    expect(fine[0].detail).toBe('HTTP 304 Not Modified');
    expect(fine[2].detail).toBe('stderr');
    expect(fine[3].title).toBe('Math.random = 0.25');
  });

  it('names the changed paths of a state delta', () => {
    const s = toEventSummary(ev('state', { name: 'memory', ops: [{ op: 'set', path: ['notes', 0], value: 'n0' }, { op: 'set', path: ['count'], value: 1 }] }));
    expect(s.title).toBe('memory: 2 changes');
    expect(s.detail).toBe('memory.notes.0, memory.count');
  });

  it('never throws on a payload of an unexpected shape', () => {
    for (const kind of EVENT_KINDS) {
      const s = toEventSummary(ev(kind, { weird: [1, 2] }));
      expect(s.kind).toBe(kind);
      expect(typeof s.title).toBe('string');
    }
    expect(toEventSummary(ev('llm', null)).title).toBe('null');
  });

  it('cuts long titles', () => {
    const s = toEventSummary(ev('console', { stream: 'stdout', text: 'x'.repeat(500) }), 40);
    expect(s.title).toHaveLength(40);
    expect(s.title.endsWith('…')).toBe(true);
  });
});
