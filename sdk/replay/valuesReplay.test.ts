/**
 * Replay of cheap values in real child processes: every source the determinism tests record (ESM, CJS and TS
 * agents) comes back from the tape, so the replay prints exactly what the recording printed, and the SDK's verdict
 * says so (divergence.test.ts covers what happens when they do not match).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../determinism/spawnAgent.js';
import { record, replay, tapeOfJournal, valuesOf } from '../../test/helpers/replayHarness.js';

afterAll(() => cleanupTempDirs());

describe('value replay', () => {
  for (const agent of ['test/agents/det-esm.mjs', 'test/agents/det-cjs.cjs', 'test/agents/det-ts.ts']) {
    it(`replays ${agent} with byte-identical stdout and the same values`, async () => {
      const rec = await record(agent);
      expect(rec.code).toBe(0);
      const tape = tapeOfJournal(rec.journal);
      const rep = await replay(agent, tape);
      expect(rep.stderr).toBe('');
      expect(rep.code).toBe(0);
      expect(rep.stdout).toBe(rec.stdout.toString('utf8'));
      for (const source of ['Math.random', 'crypto.randomUUID', 'Date.now', 'performance.now', 'crypto.randomBytes']) {
        expect(valuesOf(rep.events, source)).toEqual(valuesOf(rec.events, source));
      }
      expect(rep.verdict).toMatchObject({ identical: true, stdoutIdentical: true, recordedSteps: tape.steps, replayedSteps: tape.steps, matched: tape.steps });
      expect(rep.end?.status).toBe('ok');
    });
  }
});
