import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, mergePrices } from '../../shared/model/pricing.js';
import type { JournalLine } from '../../shared/trace/journal.js';
import type { TraceStore } from '../store/store.js';
import { journal, meta } from '../store/testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { costFields, lineageCost, ownCost, withCosts } from './runCost.js';

const { open: store } = testStores('atr-cost-');

interface CallSpec {
  model?: string;
  prompt?: number;
  completion?: number;
  /** 'ok' with usage (default), 'nousage' (reply without usage), 'failed' (HTTP 500, no reply). */
  outcome?: 'ok' | 'nousage' | 'failed';
  messages?: unknown;
}

function llm(seq: number, c: CallSpec = {}): JournalLine {
  const outcome = c.outcome ?? 'ok';
  const payload: Record<string, unknown> = {
    layer: 'fetch',
    provider: 'openai',
    stream: false,
    request: { method: 'POST', url: 'http://x/v1/chat/completions', headers: {}, body: { text: `{"n":${seq}}` } },
    response: { status: outcome === 'failed' ? 500 : 200, headers: {}, body: { text: 'r' } },
  };
  if (c.model !== undefined) payload.model = c.model;
  if (c.messages !== undefined) payload.messages = c.messages;
  if (outcome !== 'failed') payload.reply = { role: 'assistant', content: `reply ${seq}` };
  if (outcome === 'ok') {
    const p = c.prompt ?? 1000;
    const k = c.completion ?? 500;
    payload.usage = { promptTokens: p, completionTokens: k, totalTokens: p + k };
  }
  return { t: 'ev', seq, kind: 'llm', ts: seq, fp: `f${seq}`, payload: payload as never };
}
const out = (seq: number): JournalLine => ({ t: 'ev', seq, kind: 'console', ts: seq, payload: { stream: 'stdout', text: `${seq}\n` } });

function record(s: TraceStore, id: string, lines: JournalLine[], extra: Parameters<typeof meta>[1] = {}): void {
  s.ingestor(id).ingestText(journal({ t: 'run', meta: meta(id, extra) }, ...lines, { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 2, steps: lines.length }));
}

// gpt-4o-mini: $0.15 / $0.60 per 1M tokens → a default call (1000 in, 500 out) costs $0.00045.
const CALL = 0.00045;

describe('run cost', () => {
  it('prices each model, counts unknown models and replies without usage as unpriced, failed calls as free', () => {
    const s = store();
    record(s, 'r1', [llm(0, { model: 'gpt-4o-mini' }), llm(1, { model: 'gpt-4o-mini-2024-07-18' }), llm(2, { model: 'mystery-model' }), llm(3, { model: 'gpt-4o-mini', outcome: 'nousage' }), llm(4, { model: 'gpt-4o-mini', outcome: 'failed' }), out(5)]);
    const c = ownCost(s, s.getRun('r1'), DEFAULT_PRICES);
    expect(c.llmCalls).toBe(5);
    expect(c.usd).toBeCloseTo(2 * CALL, 10);
    expect(c.unpricedCalls).toBe(2);
    expect(c.usage).toEqual({ promptTokens: 3000, completionTokens: 1500, totalTokens: 4500 });
    expect(c.byModel.find((m) => m.model === 'mystery-model')).toMatchObject({ calls: 1, unpricedCalls: 1 });
    expect(c.byModel.find((m) => m.model === 'mystery-model')?.usd).toBeUndefined();
    // The tokens agree with what the store counted while ingesting.
    expect(c.usage).toEqual(s.getRun('r1').usage);

    const priced = ownCost(s, s.getRun('r1'), mergePrices({ 'mystery-model': { input: 1, output: 2 } }).table);
    expect(priced.usd).toBeCloseTo(2 * CALL + (1000 * 1 + 500 * 2) / 1e6, 10);
    expect(priced.unpricedCalls).toBe(1);
  });

  it('splits a branch of a branch into its own calls and the calls inherited up to each fork', () => {
    const s = store();
    record(s, 'root', [llm(0, { model: 'gpt-4o-mini' }), llm(1, { model: 'gpt-4o-mini' }), llm(2, { model: 'gpt-4o-mini' }), llm(3, { model: 'gpt-4o-mini' })]);
    // b1 forks after step 1 (inherits root 0..1), runs 2 own calls; b2 forks b1 after step 2 (inherits root 0..1 + b1 2).
    record(s, 'root__b1', [llm(0), llm(1), llm(2, { model: 'gpt-4o' }), llm(3, { model: 'gpt-4o' })], { parentId: 'root', forkSeq: 1 });
    record(s, 'root__b1__b2', [llm(0), llm(1), llm(2), llm(3, { model: 'mystery' })], { parentId: 'root__b1', forkSeq: 2 });
    const gpt4o = (1000 * 2.5 + 500 * 10) / 1e6;

    const b1 = lineageCost(s, s.getRun('root__b1'), DEFAULT_PRICES);
    expect(b1.own.llmCalls).toBe(2);
    expect(b1.own.usd).toBeCloseTo(2 * gpt4o, 10);
    expect(b1.inherited.llmCalls).toBe(2);
    expect(b1.inherited.usd).toBeCloseTo(2 * CALL, 10);
    expect(b1.total.usd).toBeCloseTo(2 * gpt4o + 2 * CALL, 10);
    expect(b1.total.usage.totalTokens).toBe(4 * 1500);

    const b2 = lineageCost(s, s.getRun('root__b1__b2'), DEFAULT_PRICES);
    expect(b2.own).toMatchObject({ llmCalls: 1, usd: 0, unpricedCalls: 1 });
    expect(b2.inherited.llmCalls).toBe(3);
    expect(b2.inherited.usd).toBeCloseTo(2 * CALL + gpt4o, 10);
    expect(b2.total).toMatchObject({ llmCalls: 4, unpricedCalls: 1 });

    const root = lineageCost(s, s.getRun('root'), DEFAULT_PRICES);
    expect(root.inherited.llmCalls).toBe(0);
    expect(root.total.usd).toBeCloseTo(4 * CALL, 10);
  });

  it('reports costUsd only when something could be priced, and adds it to list summaries', () => {
    expect(costFields({ usd: 0, unpricedCalls: 2, llmCalls: 2 })).toEqual({ unpricedCalls: 2 });
    expect(costFields({ usd: 0.5, unpricedCalls: 1, llmCalls: 2 })).toEqual({ costUsd: 0.5, unpricedCalls: 1 });
    expect(costFields({ usd: 0, unpricedCalls: 0, llmCalls: 0 })).toEqual({ costUsd: 0, unpricedCalls: 0 });

    const s = store();
    record(s, 'priced', [llm(0, { model: 'gpt-4o-mini' })]);
    record(s, 'unknown', [llm(0, { model: 'mystery' })]);
    const runs = withCosts(s, s.listRuns().runs, DEFAULT_PRICES);
    expect(runs.find((r) => r.id === 'priced')).toMatchObject({ costUsd: expect.closeTo(CALL, 10), unpricedCalls: 0 });
    const unknown = runs.find((r) => r.id === 'unknown');
    expect(unknown).toMatchObject({ unpricedCalls: 1 });
    expect(unknown?.costUsd).toBeUndefined();
  });

  it('stays cheap for a run with 1000 LLM calls and long prompts (one aggregate query, no event loading)', () => {
    const s = store();
    const history: unknown[] = [];
    const lines: JournalLine[] = [];
    for (let i = 0; i < 1000; i++) {
      history.push({ role: 'user', content: `question ${i} ` + 'lorem ipsum dolor '.repeat(20) });
      lines.push(llm(i, { model: i % 2 ? 'gpt-4o-mini' : 'llama-3.1-8b-instant', prompt: 100, completion: 20, messages: history.slice(-30) }));
    }
    record(s, 'big', lines);
    const t0 = performance.now();
    const c = ownCost(s, s.getRun('big'), DEFAULT_PRICES);
    const ms = performance.now() - t0;
    expect(c.llmCalls).toBe(1000);
    expect(c.usd).toBeCloseTo(500 * (100 * 0.15 + 20 * 0.6) / 1e6 + 500 * (100 * 0.05 + 20 * 0.08) / 1e6, 10);
    // Measured ~35 ms here for ~12 MB of payloads; the bound only catches a regression to loading every event.
    expect(ms).toBeLessThan(1000);
  });
});
