import { expect, it } from 'vitest';
import { useMockLlm } from '../../test/mock/useMockLlm.js';
import { runAgent } from '../../test/helpers/recordAgent.js';
import { readJournalEvents } from '../../test/helpers/journal.js';

const mock = useMockLlm();

it('records only the agent clock reads around a built-in fetch, not fetch internals', async () => {
  const run = await runAgent('test/agents/net-fetch-clock.mjs', { env: { MOCK_URL: mock.url } });
  expect(run.code, run.stderr).toBe(0);
  const events = readJournalEvents(run.journal!);
  const times = events.filter((e) => e.kind === 'time');
  expect(times.map((e) => (e.payload as { source: string }).source)).toEqual(['Date.now', 'Date.now']);
  expect(events.filter((e) => e.kind === 'http')).toHaveLength(1);
});

// Promise tracking (what an enabled AsyncLocalStorage costs every promise of the process) starts with the first fetch,
// whose machinery must run in the internal context; the recorder's own work before it does not turn it on.
it('leaves promise tracking off until the first fetch, and records everything before it', async () => {
  const run = await runAgent('test/agents/promise-tracking.mjs', { env: { MOCK_URL: mock.url } });
  expect(run.code, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({ atStart: false, beforeFetch: false, afterFetch: true });
  const kinds = readJournalEvents(run.journal!).map((e) => e.kind);
  expect(kinds.filter((k) => k === 'fs' || k === 'random' || k === 'http' || k === 'console')).toEqual(['fs', 'random', 'fs', 'console', 'http', 'console']);
});
