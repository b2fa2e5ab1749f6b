/**
 * Recording through Node's bundled undici (the Agent built-in fetch uses natively): taken whichever way it is loaded
 * first, both fetch and npm undici's request are recorded, npm undici's Agent is not loaded for a fetch, and the
 * recording replays.
 */
import { describe, expect, it } from 'vitest';
import { useMockLlm } from '../../test/mock/useMockLlm.js';
import { runAgent } from '../../test/helpers/recordAgent.js';
import { readJournalEvents } from '../../test/helpers/journal.js';
import { recordForReplay, replayNet } from '../../test/helpers/replayNetHarness.js';
import type { HttpPayload } from '../../src/shared/trace/types.js';

const mock = useMockLlm();
const AGENT = 'test/agents/net-bundled.mjs';

describe('the bundled undici Agent as the recording dispatcher', () => {
  for (const first of ['fetch', 'headers', 'undici']) {
    it(`records fetch and undici.request when ${first} comes first`, async () => {
      const run = await runAgent(AGENT, { env: { MOCK_URL: mock.url }, args: [first] });
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout.trim()) as { text1: string; text2: string; npmAgentAfterFetch: boolean };
      expect(out.text1).toBe(out.text2);
      if (first !== 'undici') expect(out.npmAgentAfterFetch).toBe(false);
      const http = readJournalEvents(run.journal!).filter((e) => e.kind === 'http');
      expect(http.map((e) => new URL((e.payload as HttpPayload).request.url).search)).toEqual(['?n=1', '?n=2']);
      expect(http.map((e) => (e.payload as HttpPayload).response?.status)).toEqual([200, 200]);
    });
  }

  it('replays such a recording offline with the same output', async () => {
    const rec = await recordForReplay(AGENT, { MOCK_URL: mock.url }, {});
    const served = mock.requests.length;
    const r = await replayNet(AGENT, rec.tape, { MOCK_URL: mock.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.divergence).toBeUndefined();
    expect(r.stdout).toBe(rec.run.stdout);
    expect(mock.requests.length).toBe(served);
  });
});
