import { describe, expect, it } from 'vitest';
import { buildTape } from './tapeBuilder.js';
import type { TraceEvent } from './types.js';

const call = (seq: number, ts: number, fp: string, durationMs: number, text: string): TraceEvent => ({
  seq,
  kind: 'llm',
  ts,
  fingerprint: fp,
  payload: {
    layer: 'fetch',
    provider: 'openai',
    stream: false,
    request: { method: 'POST', url: 'http://x/v1/chat/completions', headers: {} },
    response: { status: 200, headers: {}, body: { text } },
    durationMs,
  } as TraceEvent['payload'],
});

describe('buildTape', () => {
  const events: TraceEvent[] = [
    { seq: 0, kind: 'random', ts: 1, payload: { source: 'Math.random', value: 0.5 } },
    call(1, 10, 'a', 50, 'slow'),
    call(2, 11, 'a', 5, 'fast'),
    call(3, 12, 'b', 20, 'mid'),
    { seq: 4, kind: 'console', ts: 70, payload: { stream: 'stdout', text: 'hé\n' } },
    { seq: 5, kind: 'console', ts: 71, payload: { stream: 'stderr', text: 'warn\n' } },
    { seq: 6, kind: 'random', ts: 72, payload: { source: 'Math.random', value: 0.25 } },
  ];
  const tape = buildTape({ runId: 'r', events, recordedStatus: 'ok', blobB64: () => undefined });

  it('counts occurrences per fingerprint in issue order and ranks arrival by completion time', () => {
    expect(tape.calls.map((c) => [c.seq, c.occurrence, c.arrival])).toEqual([
      [1, 0, 2],
      [2, 1, 0],
      [3, 0, 1],
    ]);
  });

  it('keeps values per source with their seqs, stdout only, and one signature entry per seq', () => {
    expect(tape.values['Math.random']).toEqual([
      { seq: 0, value: 0.5 },
      { seq: 6, value: 0.25 },
    ]);
    expect(tape.stdout).toBe('hé\n');
    expect(tape.signature).toEqual(['random', 'llm:a', 'llm:a', 'llm:b', 'console', 'console', 'random']);
    expect(Buffer.from(tape.calls[0].response!.bodyB64!, 'base64').toString('utf8')).toBe('slow');
  });
});
