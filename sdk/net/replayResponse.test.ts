import { describe, expect, it } from 'vitest';
import type { TapeCall } from '../../src/shared/trace/tape.js';
import { ArrivalGate } from './arrivalGate.js';
import { deliver, eventOffsets, planResponse, recordedError, type ResponseSink } from './replayResponse.js';

const call = (over: Partial<TapeCall>): TapeCall => ({
  seq: 0,
  fingerprint: 'f',
  occurrence: 0,
  arrival: 0,
  layer: 'fetch',
  request: { method: 'GET', url: 'http://h/x', headers: {} },
  ...over,
});

function recordingSink(): { sink: ResponseSink; log: string[]; abort: () => void } {
  const log: string[] = [];
  let aborted = false;
  return {
    log,
    abort: () => (aborted = true),
    sink: {
      head: (s, t, h) => log.push(`head ${s} ${t} ${JSON.stringify(h)}`),
      data: (c) => log.push(`data ${c.toString()}`),
      end: () => log.push('end'),
      error: (e) => log.push(`error ${e.name} ${(e as { code?: string }).code} ${e.message}`),
      aborted: () => aborted,
    },
  };
}

describe('planResponse', () => {
  it('serves stream chunks one by one and corrects a content-length that masking made stale', () => {
    const p = planResponse(
      call({ response: { status: 200, headers: { 'content-length': '99', 'content-type': 'text/event-stream' }, bodyB64: Buffer.from('ab').toString('base64'), chunks: [{ t: 5, data: 'a' }, { t: 9, data: 'é' }] } }),
    );
    expect(p.pieces.map((b) => b.toString())).toEqual(['a', 'é']);
    expect(p.head).toEqual({ status: 200, statusText: 'OK', headers: { 'content-length': '3', 'content-type': 'text/event-stream' } });
    expect(p.hangs).toBe(false);
  });

  it('keeps wire bytes and their content-encoding; rebuilds recorded errors; a call with no outcome hangs', () => {
    const gz = Buffer.from([0x1f, 0x8b, 0, 1, 2]);
    const p = planResponse(call({ durationMs: 12, response: { status: 200, headers: { 'content-encoding': 'gzip' }, bodyB64: gz.toString('base64') } }));
    expect(p.pieces).toEqual([gz]);
    expect(p.head?.headers).toEqual({ 'content-encoding': 'gzip' });
    const e = recordedError({ name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:9', code: 'ECONNREFUSED' }) as Error & { code?: string };
    expect([e.name, e.message, e.code]).toEqual(['Error', 'connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED']);
    expect(planResponse(call({ error: { name: 'Error', message: 'x' } })).head).toBeUndefined();
    expect(planResponse(call({})).hangs).toBe(true);
  });
});

describe('eventOffsets', () => {
  it('head, every piece but the last, completion; monotonic; nothing for a call without outcome', () => {
    expect(eventOffsets(call({ ttfbMs: 4, durationMs: 30, response: { status: 200, headers: {}, chunks: [{ t: 5, data: 'a' }, { t: 3, data: 'b' }, { t: 20, data: 'c' }] } }))).toEqual([4, 5, 5, 30]);
    expect(eventOffsets(call({ ttfbMs: 4, durationMs: 6, response: { status: 200, headers: {}, bodyB64: 'eA==' } }))).toEqual([4, 6]);
    expect(eventOffsets(call({ durationMs: 2, error: { name: 'Error', message: 'x' } }))).toEqual([2]);
    expect(eventOffsets(call({}))).toEqual([]);
  });
});

describe('deliver', () => {
  it('sends head and pieces, holds the last piece and the end for the call’s turn', async () => {
    const first = call({ seq: 0, issuedMs: 0, ttfbMs: 1, durationMs: 30, response: { status: 200, headers: {}, chunks: [{ t: 1, data: 'x1' }, { t: 2, data: 'x2' }] } });
    const second = call({ seq: 1, issuedMs: 0, ttfbMs: 5, durationMs: 6, response: { status: 201, headers: {}, bodyB64: Buffer.from('y').toString('base64') } });
    const gate = new ArrivalGate([first, second], { safetyMs: 5000 });
    gate.issue(0, eventOffsets(first));
    gate.issue(1, eventOffsets(second));
    const a = recordingSink();
    const b = recordingSink();
    const order: string[] = [];
    const tag = (s: ResponseSink, name: string): ResponseSink => ({ ...s, head: (...x) => (order.push(`${name} head`), s.head(...x)), end: () => (order.push(`${name} end`), s.end()) });
    const p1 = deliver(first, planResponse(first), tag(a.sink, 'a'), { pace: 'instant', gate, t0: 0 });
    const p2 = deliver(second, planResponse(second), tag(b.sink, 'b'), { pace: 'instant', gate, t0: 0 });
    await Promise.all([p1, p2]);
    expect(a.log).toEqual(['head 200 OK {}', 'data x1', 'data x2', 'end']);
    expect(b.log).toEqual(['head 201 Created {}', 'data y', 'end']);
    // Recorded timeline: a's head at 1, b's head at 5 and completion at 6, a's completion at 30.
    expect(order).toEqual(['a head', 'b head', 'b end', 'a end']);
    expect(gate.snapshot()).toEqual({ 0: 'done', 1: 'done' });
  });

  it('replays a recorded error at the turn; an abort stops delivery and still releases the turn', async () => {
    const failed = call({ seq: 0, issuedMs: 0, durationMs: 1, error: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' } });
    const slow = call({ seq: 1, issuedMs: 5, durationMs: 9, response: { status: 200, headers: {}, chunks: [{ t: 1, data: 'a' }, { t: 2, data: 'b' }, { t: 3, data: 'c' }] } });
    const gate = new ArrivalGate([failed, slow], { safetyMs: 5000 });
    gate.issue(0, eventOffsets(failed));
    const f = recordingSink();
    await deliver(failed, planResponse(failed), f.sink, { pace: 'instant', gate, t0: 0 });
    expect(f.log).toEqual(['error Error ECONNRESET socket hang up']);
    gate.issue(1, eventOffsets(slow));
    const s = recordingSink();
    const done = deliver(slow, planResponse(slow), s.sink, { pace: 'instant', gate, t0: 0 });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    s.abort();
    await done;
    expect(s.log[0]).toBe('head 200 OK {}');
    expect(s.log).not.toContain('end');
    expect(gate.snapshot()[1]).toBe('done');
  });
});
