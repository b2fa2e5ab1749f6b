import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES } from '../../shared/model/pricing.js';
import type { JournalLine } from '../../shared/trace/journal.js';
import { AtrError } from '../errors.js';
import type { TraceStore } from '../store/store.js';
import { journal, meta } from '../store/testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { diffStoredRuns } from './diffStoredRuns.js';

const { open: store } = testStores('atr-diff-');

const llm = (seq: number, prompt: string, reply: string, model = 'gpt-4o-mini'): JournalLine => ({
  t: 'ev',
  seq,
  kind: 'llm',
  ts: 1000 + seq,
  fp: `fp-${prompt}`,
  payload: {
    layer: 'fetch',
    provider: 'openai',
    model,
    stream: false,
    request: { method: 'POST', url: 'http://x/v1/chat/completions', headers: {}, body: { text: prompt } },
    response: { status: 200, headers: {}, body: { text: reply } },
    reply: { role: 'assistant', content: reply },
    usage: { promptTokens: 1000, completionTokens: 500, totalTokens: 1500 },
    durationMs: seq,
  } as never,
});
const http = (seq: number, status: number, body: string): JournalLine => ({
  t: 'ev',
  seq,
  kind: 'http',
  ts: 1000 + seq,
  fp: 'fp-http',
  payload: { layer: 'fetch', request: { method: 'GET', url: 'http://api/weather?city=x', headers: {} }, response: { status, headers: { date: String(seq) }, body: { text: body } }, durationMs: seq },
});
const rnd = (seq: number, value: number): JournalLine => ({ t: 'ev', seq, kind: 'random', ts: 1000 + seq, payload: { source: 'Math.random', value } });
const out = (seq: number, text: string): JournalLine => ({ t: 'ev', seq, kind: 'console', ts: 1000 + seq, payload: { stream: 'stdout', text } });

function record(s: TraceStore, id: string, lines: JournalLine[], opts: { parentId?: string; forkSeq?: number; code?: number; startedAt?: number } = {}): void {
  const status = opts.code ? 'failed' : 'ok';
  const startedAt = opts.startedAt ?? 1000;
  s.ingestor(id).ingestText(
    journal({ t: 'run', meta: meta(id, { parentId: opts.parentId, forkSeq: opts.forkSeq, startedAt }) }, ...lines, { t: 'end', status, exit: { code: opts.code ?? 0 }, endedAt: startedAt + 100 * lines.length, steps: lines.length }),
  );
}

/** The recorded run: a random value, three calls (the third prompt includes the second reply), a weather lookup. */
const base = (): JournalLine[] => [rnd(0, 0.5), llm(1, 'q1', 'r1'), llm(2, 'q2', 'r2'), llm(3, 'q3 r2', 'r3'), http(4, 200, 'sunny'), out(5, 'r3\n')];

describe('diffStoredRuns', () => {
  it('reads a branch with its inherited steps and names the first step it changed', () => {
    const s = store();
    record(s, 'trace-1', base());
    // Branch after step 1 whose reply at step 2 was edited; the agent then asked something else and got rain.
    const branch = [rnd(0, 0.5), llm(1, 'q1', 'r1'), llm(2, 'q2', 'EDITED'), llm(3, 'q3 EDITED', 'r3b'), http(4, 500, 'rain'), out(5, 'r3b\n'), out(6, 'retry\n')];
    record(s, 'trace-1__edit', branch, { parentId: 'trace-1', forkSeq: 1, code: 1 });
    expect(s.getEvents('trace-1__edit').map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);

    const d = diffStoredRuns(s, 'trace-1', 'trace-1__edit', { prices: DEFAULT_PRICES });
    expect(d.ignoredKinds).toEqual([]);
    expect(d.firstDivergence).toMatchObject({ seqA: 2, seqB: 2, kind: 'llm', reason: 'llm reply changed' });
    expect(d.changedReplies.map((c) => [c.seqA, c.model, (c.before as { content: string }).content, (c.after as { content: string }).content])).toEqual([
      [2, 'gpt-4o-mini', 'r2', 'EDITED'],
      [3, 'gpt-4o-mini', 'r3', 'r3b'],
    ]);
    expect(d.changedResults).toEqual([{ seqA: 4, seqB: 4, kind: 'http', label: 'http:GET http://api/weather', before: { status: 200, body: 'sunny' }, after: { status: 500, body: 'rain' } }]);
    expect(d.onlyInB).toEqual([{ seq: 6, kind: 'console' }]);
    expect(d.a).toMatchObject({ id: 'trace-1', steps: 6, llmCalls: 3, totalTokens: 4500, unpricedCalls: 0, status: 'ok', exitCode: 0 });
    // The branch's totals include the inherited call at step 1.
    expect(d.b).toMatchObject({ id: 'trace-1__edit', parentId: 'trace-1', forkSeq: 1, steps: 7, llmCalls: 3, totalTokens: 4500, status: 'failed', exitCode: 1 });
    // One definition everywhere: the branch's own tokens are the runs list's number for it; the rest is inherited.
    const listed = s.listRuns().runs.find((r) => r.id === 'trace-1__edit');
    expect(d.b.ownTokens).toBe(3000);
    expect(listed?.totalTokens).toBe(d.b.ownTokens);
    expect(d.a.ownTokens).toBeUndefined();
    expect(d.delta).toMatchObject({ tokens: 0, costUsd: 0, steps: 1, durationMs: 100 });
    expect(d.counts).toEqual({ aligned: 6, same: 2, changed: 4, onlyInA: 0, onlyInB: 1 });
  });

  it('ignores random/time values of separately recorded runs unless asked, resolving id prefixes', () => {
    const s = store();
    record(s, 'aaaa-1111', base());
    const other = base();
    other[0] = rnd(0, 0.75);
    other[3] = llm(3, 'q3 r2', 'r3 but different');
    record(s, 'bbbb-2222', other);

    const d = diffStoredRuns(s, 'aaaa', 'bbbb', { prices: DEFAULT_PRICES });
    expect(d.ignoredKinds).toEqual(['random', 'time', 'crypto']);
    expect(d.firstDivergence).toMatchObject({ seqA: 3, seqB: 3, reason: 'llm reply changed' });
    const strict = diffStoredRuns(s, 'aaaa', 'bbbb', { prices: DEFAULT_PRICES, values: 'compare' });
    expect(strict.firstDivergence).toMatchObject({ seqA: 0, kind: 'random', reason: 'random value changed' });

    const same = diffStoredRuns(s, 'aaaa', 'aaaa-1111', { prices: DEFAULT_PRICES });
    expect(same.identical).toBe(true);
    expect(same.firstDivergence).toBeNull();
  });

  it('reports an unknown cost delta as null, not $0, when calls are unpriced', () => {
    const s = store();
    record(s, 'r1', [llm(0, 'q', 'r')]);
    record(s, 'r2', [llm(0, 'q', 'r', 'mystery-model')]);
    const d = diffStoredRuns(s, 'r1', 'r2', { prices: DEFAULT_PRICES });
    expect(d.delta.costUsd).toBeNull();
    expect(d.b.costUsd).toBeUndefined();
    expect(d.b.unpricedCalls).toBe(1);
    expect(d.firstDivergence).toMatchObject({ reason: 'different step (llm:gpt-4o-mini vs llm:mystery-model)' });
  });

  it('refuses an unknown or ambiguous id with a clear error', () => {
    const s = store();
    record(s, 'run-1', [out(0, 'x')]);
    record(s, 'run-2', [out(0, 'x')]);
    const err = (f: () => unknown): AtrError => {
      try {
        f();
      } catch (e) {
        return e as AtrError;
      }
      throw new Error('no error');
    };
    expect(err(() => diffStoredRuns(s, 'nope', 'run-1', { prices: DEFAULT_PRICES }))).toMatchObject({ code: 'ATR_NOT_FOUND', message: 'no run with id nope' });
    expect(err(() => diffStoredRuns(s, 'run-1', 'run', { prices: DEFAULT_PRICES }))).toMatchObject({ code: 'ATR_AMBIGUOUS_ID' });
  });
});
