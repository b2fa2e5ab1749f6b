/**
 * Arrival order: an agent whose output depends on which concurrent call completes first (push-on-complete,
 * Promise.race, concurrent streams) is recorded with per-request latencies (x-mock-delay) that make the completion
 * order differ from the issue order; every replay (instant, no latency) must print the recorded order.
 * Pace `recorded` re-creates the recorded latencies instead.
 */
import { describe, expect, it } from 'vitest';
import { startMockLlm } from '../../test/mock/llmServer.js';
import { recordForReplay, replayNet } from '../../test/helpers/replayNetHarness.js';

const KEYS = { OPENAI_API_KEY: 'sk-test-AAAA1111BBBB2222CCCC' };
const REPLAYS = 5;

async function orderHolds(script: string): Promise<void> {
  const mock = await startMockLlm({ chunkDelayMs: 5 });
  const env = { MOCK_URL: mock.url, ...KEYS, AGENT_DELAYS: '400,20,200' };
  const rec = await recordForReplay(script, env);
  await mock.close();
  // The recording itself completed in latency order, not issue order: 1 (20 ms), 2 (200 ms), 0 (400 ms).
  expect(rec.run.stdout).toMatch(/^completed: 1=.* \| 2=.* \| 0=.*\nfirst: 1\nstreams: 1=.* \| 2=.* \| 0=/);
  // Arrival ranks on the tape follow the same order within each round.
  const round1 = rec.tape.calls.slice(0, 3).map((c) => c.arrival);
  expect(round1[1]).toBeLessThan(round1[2]);
  expect(round1[2]).toBeLessThan(round1[0]);
  for (let i = 0; i < REPLAYS; i++) {
    const r = await replayNet(script, rec.tape, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.divergence).toBeUndefined();
    expect(r.stdout).toBe(rec.run.stdout);
    if (r.verdict) expect(r.verdict.identical).toBe(true);
  }
}

describe('arrival order', () => {
  it('fetch layer (openai v6): every replay completes calls in the recorded order', async () => {
    await orderHolds('test/agents/replay-net-race.mjs');
  });

  it('http layer (openai v4): every replay completes calls in the recorded order', async () => {
    await orderHolds('test/agents/replay-net-race-v4.cjs');
  });

  it('the order comes from the tape: a rewritten timeline changes the output accordingly', async () => {
    const mock = await startMockLlm();
    const env = { MOCK_URL: mock.url, ...KEYS, AGENT_DELAYS: '150,20,80' };
    const rec = await recordForReplay('test/agents/replay-net-race.mjs', env);
    await mock.close();
    // Round 1 as if task 0 had been fastest and task 1 slowest: 0, 2, 1.
    const [c0, c1, c2] = rec.tape.calls.slice(0, 3);
    const timing = (c: (typeof rec.tape.calls)[number], ms: number): void => {
      c.issuedMs = c0.issuedMs;
      c.ttfbMs = ms;
      c.durationMs = ms + 1;
    };
    timing(c0, 10);
    timing(c2, 20);
    timing(c1, 30);
    const r = await replayNet('test/agents/replay-net-race.mjs', rec.tape, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^completed: 0=.* \| 2=.* \| 1=/);
  });

  it('tapes without issue times: completions follow the recorded arrival ranks', async () => {
    const mock = await startMockLlm();
    const env = { MOCK_URL: mock.url, ...KEYS, AGENT_DELAYS: '150,20,80' };
    const rec = await recordForReplay('test/agents/replay-net-race.mjs', env);
    await mock.close();
    for (const c of rec.tape.calls) delete c.issuedMs;
    // Network-only preload: without issue times response heads are not ordered, and openai v6 reads the clock when
    // headers arrive, so the full bootstrap's signature check would rightly see those reads in another order.
    const r = await replayNet('test/agents/replay-net-race.mjs', rec.tape, env, 30_000, 'preload');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(rec.run.stdout);
    // Round 1 ranked in issue order instead: the output follows.
    const round1 = rec.tape.calls.slice(0, 3);
    const ranks = round1.map((c) => c.arrival).sort((a, b) => a - b);
    round1.forEach((c, i) => (c.arrival = ranks[i]));
    const swapped = await replayNet('test/agents/replay-net-race.mjs', rec.tape, env, 30_000, 'preload');
    expect(swapped.stdout.split('\n')[0]).toMatch(/^completed: 0=.* \| 1=.* \| 2=/);
  });

  it('pace recorded waits the recorded latencies; instant does not', async () => {
    const mock = await startMockLlm({ chunkDelayMs: 5 });
    const env = { MOCK_URL: mock.url, ...KEYS, AGENT_DELAYS: '300,20,80' };
    const rec = await recordForReplay('test/agents/replay-net-race.mjs', env);
    await mock.close();
    const instant = await replayNet('test/agents/replay-net-race.mjs', rec.tape, env);
    const paced = await replayNet('test/agents/replay-net-race.mjs', { ...rec.tape, pace: 'recorded' }, env);
    expect(paced.stdout).toBe(rec.run.stdout);
    expect(instant.stdout).toBe(rec.run.stdout);
    // Three rounds each wait for the 300 ms call when paced (Promise.race's round too, for the losers' completion):
    // ~900 ms more than instant. Half of it as the bar keeps the test meaningful on a loaded machine.
    expect(paced.ms - instant.ms).toBeGreaterThan(450);
  });
});
