import { expect, it } from 'vitest';
import { useMockLlm } from '../../test/mock/useMockLlm.js';
import { runAgent } from '../../test/helpers/recordAgent.js';
import { readJournalEvents } from '../../test/helpers/journal.js';
import { knownBundledClocks } from './bundledClocks.js';
import { recordForReplay, replayNet } from '../../test/helpers/replayNetHarness.js';

const mock = useMockLlm();

it('records only the agent clock reads around a built-in fetch, not fetch internals', async () => {
  const run = await runAgent('test/agents/net-fetch-clock.mjs', { env: { MOCK_URL: mock.url } });
  expect(run.code, run.stderr).toBe(0);
  const events = readJournalEvents(run.journal!);
  const times = events.filter((e) => e.kind === 'time');
  expect(times.map((e) => (e.payload as { source: string }).source)).toEqual(['Date.now', 'Date.now']);
  expect(events.filter((e) => e.kind === 'http')).toHaveLength(1);
});

// Promise tracking (what an enabled AsyncLocalStorage costs every promise of the process): the recorder's own work
// does not turn it on, and neither does fetch where its bundled undici's clock reads are contained where it is
// loaded (bundledClocks.ts); elsewhere fetch's machinery runs in an AsyncLocalStorage internal context.
it("leaves promise tracking off through the recorder's work and (on this runtime) fetch, recording everything", async () => {
  const run = await runAgent('test/agents/promise-tracking.mjs', { env: { MOCK_URL: mock.url } });
  expect(run.code, run.stderr).toBe(0);
  const afterFetch = !knownBundledClocks();
  expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({ atStart: false, beforeFetch: false, afterFetch });
  const kinds = readJournalEvents(run.journal!).map((e) => e.kind);
  expect(kinds.filter((k) => k === 'fs' || k === 'random' || k === 'http' || k === 'console')).toEqual(['fs', 'random', 'fs', 'console', 'http', 'console']);
});

// A pure replay neither: its fetch is answered by the replay's dispatcher with the bundled undici's clocks contained
// as in recording, and its file sandbox marks synchronous operations (module source reads, sync writes) without
// AsyncLocalStorage, so the replay does not pay for tracking every promise either.
it('leaves promise tracking off through a replay of the same agent (file sandbox, replayed fetch), verified', async () => {
  const rec = await recordForReplay('test/agents/promise-tracking.mjs', { MOCK_URL: mock.url });
  const served = mock.requests.length;
  const rep = await replayNet('test/agents/promise-tracking.mjs', rec.tape, { MOCK_URL: mock.url }, 30_000, 'bootstrap');
  expect(rep.code, rep.stderr).toBe(0);
  const afterFetch = !knownBundledClocks();
  expect(JSON.parse(rep.stdout.trim().split('\n').at(-1)!)).toEqual({ atStart: false, beforeFetch: false, afterFetch });
  expect(rep.verdict?.identical, JSON.stringify(rep.verdict)).toBe(true);
  expect(mock.requests).toHaveLength(served);
});
