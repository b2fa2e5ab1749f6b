/**
 * Resume (tape.untilSeq + after 'live'): calls up to and including untilSeq are served from the tape, later calls go
 * to the real server and are recorded like in a recording. The TEST-ONLY preload journals network events only, so
 * its seqs are 0, 1, 2 for the agent's three calls and the tape is renumbered into that space; through the real
 * bootstrap (REPLAY_NET_VIA=bootstrap) recorded and replayed seqs are the same and untilSeq is the recorded seq.
 */
import { describe, expect, it } from 'vitest';
import { startMockLlm } from '../../test/mock/llmServer.js';
import { REPLAY_VIA, recordForReplay, replayNet } from '../../test/helpers/replayNetHarness.js';
import type { Tape } from '../../src/shared/trace/tape.js';

const KEYS = { OPENAI_API_KEY: 'sk-test-AAAA1111BBBB2222CCCC' };

/** A resume tape whose untilSeq is the seq of the n-th call, in the replay's seq space. */
function resumeAtCall(tape: Tape, n: number): Tape {
  if (REPLAY_VIA === 'bootstrap') return { ...tape, untilSeq: tape.calls[n].seq, after: 'live' };
  return { ...tape, untilSeq: n, after: 'live', calls: tape.calls.map((c, i) => ({ ...c, seq: i })) };
}

describe('resume', () => {
  for (const until of [0, 1]) {
    it(`serves calls through step ${until} from the tape and sends the later ones to the server`, async () => {
      const mock = await startMockLlm();
      const env = { MOCK_URL: mock.url, ...KEYS };
      const rec = await recordForReplay('test/agents/replay-net-edit.mjs', env);
      const served = mock.requests.length;
      const r = await replayNet('test/agents/replay-net-edit.mjs', resumeAtCall(rec.tape, until), env);
      await mock.close();
      expect(r.code, r.stderr).toBe(0);
      expect(r.divergence).toBeUndefined();
      expect(r.stdout).toBe(rec.run.stdout);
      const live = mock.requests.slice(served).map((q) => (q.body as { messages: { content: string }[] }).messages[1].content);
      expect(live).toEqual(['first question', 'second question', 'third question'].slice(until + 1));
      const llm = r.events.filter((e) => e.kind === 'llm') as { fingerprint?: string; payload: { response?: { status: number } } }[];
      expect(llm.map((e) => e.fingerprint)).toEqual(rec.tape.calls.map((c) => c.fingerprint));
      expect(llm.map((e) => e.payload.response?.status)).toEqual([200, 200, 200]);
    });
  }
});
