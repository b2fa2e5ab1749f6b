import { describe, expect, it } from 'vitest';
import { diffRuns, VALUE_KINDS, type RunSide } from './runDiff.js';
import type { TraceEvent } from '../trace/types.js';

const llm = (seq: number, prompt: string, reply: string, tokens = 10): TraceEvent => ({
  seq,
  kind: 'llm',
  ts: seq,
  payload: {
    layer: 'fetch',
    provider: 'openai',
    model: 'gpt-4o-mini',
    stream: false,
    request: { method: 'POST', url: 'http://x/v1/chat/completions', headers: {}, body: { text: prompt } },
    response: { status: 200, headers: {}, body: { text: reply } },
    reply: { role: 'assistant', content: reply },
    usage: { promptTokens: tokens, completionTokens: tokens, totalTokens: 2 * tokens },
    durationMs: seq * 3,
  } as TraceEvent['payload'],
});
const out = (seq: number, text: string): TraceEvent => ({ seq, kind: 'console', ts: seq, payload: { stream: 'stdout', text } });
const side = (id: string, events: TraceEvent[], extra: Partial<RunSide> = {}): RunSide => ({ id, events, status: 'ok', exitCode: 0, tokens: 0, costUsd: 0, durationMs: 100, ...extra });

describe('diffRuns', () => {
  it('finds no divergence between identical runs (timing ignored)', () => {
    const d = diffRuns(side('a', [llm(0, 'p', 'r'), out(1, 'x')]), side('b', [llm(0, 'p', 'r'), out(1, 'x')]));
    expect(d.firstDivergence).toBeUndefined();
    expect(d.aligned.every((x) => x.same)).toBe(true);
  });

  it('names the edited step as the first divergence and lists the changed replies after it', () => {
    const a = [llm(0, 'q1', 'r1'), llm(1, 'q2', 'r2'), llm(2, 'q3 r2', 'r3'), out(3, 'r3\n')];
    const b = [llm(0, 'q1', 'r1'), llm(1, 'q2', 'EDITED'), llm(2, 'q3 EDITED', 'r3b'), out(3, 'r3b\n'), out(4, 'extra\n')];
    const d = diffRuns(side('a', a, { tokens: 60 }), side('b', b, { tokens: 70, status: 'failed', exitCode: 1 }));
    expect(d.firstDivergence).toMatchObject({ seqA: 1, seqB: 1, kind: 'llm', reason: 'llm reply changed' });
    expect(d.firstDivergence?.fields).toEqual(['reply', 'response']);
    expect(d.changedReplies.map((c) => [c.seqA, (c.after as { content: string }).content])).toEqual([
      [1, 'EDITED'],
      [2, 'r3b'],
    ]);
    expect(d.onlyInB).toBe(1);
    expect(d.delta).toMatchObject({ tokens: 10, steps: 1 });
    expect(d.status).toEqual({ a: 'ok', b: 'failed', exitA: 0, exitB: 1 });
  });

  it('aligns by step identity when one run has extra steps in the middle', () => {
    const a = [out(0, 'start'), llm(1, 'q', 'r'), out(2, 'end')];
    const b = [out(0, 'start'), out(1, 'retrying'), llm(2, 'q', 'r'), out(3, 'end')];
    const d = diffRuns(side('a', a), side('b', b));
    expect(d.firstDivergence).toMatchObject({ seqA: 1, seqB: 1 });
    expect(d.aligned.filter((x) => x.a !== undefined && x.b !== undefined).map((x) => [x.a, x.b])).toEqual([
      [0, 0],
      [1, 2],
      [2, 3],
    ]);
    expect(d.changedReplies).toHaveLength(0);
  });

  it('says whether the request or only the reply of a call changed', () => {
    const d = diffRuns(side('a', [llm(0, 'q1', 'r1')]), side('b', [llm(0, 'q1 edited', 'r1')]));
    expect(d.firstDivergence).toMatchObject({ seqA: 0, seqB: 0, reason: 'llm request changed', fields: ['request'] });
  });

  it('leaves ignored kinds out of the comparison but keeps indexes into the full event arrays', () => {
    const rnd = (seq: number, value: number): TraceEvent => ({ seq, kind: 'random', ts: seq, payload: { source: 'Math.random', value } });
    const a = [rnd(0, 0.1), llm(1, 'q', 'r'), rnd(2, 0.2), out(3, 'x')];
    const b = [rnd(0, 0.9), llm(1, 'q', 'r'), out(2, 'y')];
    const strict = diffRuns(side('a', a), side('b', b));
    expect(strict.firstDivergence).toMatchObject({ seqA: 0, seqB: 0, kind: 'random', reason: 'random value changed' });
    const d = diffRuns(side('a', a), side('b', b), { ignoreKinds: VALUE_KINDS });
    expect(d.ignoredKinds).toEqual(['random', 'time', 'crypto']);
    expect(d.firstDivergence).toMatchObject({ seqA: 3, seqB: 2, kind: 'console' });
    expect(d.aligned).toEqual([
      { a: 1, b: 1, same: true },
      { a: 3, b: 2, same: false },
    ]);
    expect(d.delta.steps).toBe(-1);
    expect(diffRuns(side('a', a.slice(0, 2)), side('b', b.slice(0, 2)), { ignoreKinds: VALUE_KINDS }).firstDivergence).toBeUndefined();
  });
});
