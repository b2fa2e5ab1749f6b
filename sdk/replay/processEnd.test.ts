/**
 * How a replay process ends: at its natural end the SDK ends it through process.exit() (no heap teardown) only when
 * nothing else listens for 'beforeExit'; either way the exit code, the exit listeners and the output are the
 * recording's, and work an agent's own beforeExit listener schedules still runs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../determinism/spawnAgent.js';
import { record, replay, tapeOfJournal } from '../../test/helpers/replayHarness.js';

afterAll(() => cleanupTempDirs());

const AGENT = 'test/agents/replay-exit.mjs';

describe('replay process end', () => {
  it.each([
    ['exit code 0', ['0']],
    ['exit code set through process.exitCode', ['5']],
    ["the agent's own beforeExit listener scheduling more work", ['0', 'late']],
  ])('%s: same exit code, exit listeners and output as recorded', async (_name, args) => {
    const rec = await record(AGENT, { args });
    expect(rec.code).toBe(Number(args[0]));
    const out = rec.stdout.toString('utf8');
    expect(out).toMatch(/exit listener: code \d\n$/);
    if (args[1] === 'late') expect(out).toMatch(/late work 0\.\d+\n/);
    const rep = await replay(AGENT, tapeOfJournal(rec.journal), { args });
    expect(rep.divergence).toBeUndefined();
    expect(rep.code).toBe(rec.code);
    expect(rep.stdout).toBe(out);
    expect(rep.end?.exit).toMatchObject({ code: Number(args[0]) });
    expect(rep.verdict).toMatchObject({ identical: true, stdoutIdentical: true });
  });
});
