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
