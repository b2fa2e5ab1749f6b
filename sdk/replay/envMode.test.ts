/**
 * The environment-variable mode of the seed, end to end: a run recorded with the real CLI is replayed by starting
 * the agent directly with `AGENTTRACE_MODE=REPLAY AGENTTRACE_ID=<id> node --import <register> agent.mjs` (the SDK
 * gets its tape from `agenttrace tape` and prints the verdict itself), then jumped to a step offline, then resumed
 * from it live into a branch run that the CLI lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_REPLAY_SETUP, EXIT_STOPPED_AT_STEP } from '../../src/shared/trace/tape.js';
import { cliJson, removeHomes, runCli, tmpHome } from '../../test/cli/cliHarness.js';
import { cleanupTempDirs } from '../determinism/spawnAgent.js';
import { replayWithEnv } from '../../test/helpers/replayHarness.js';

const AGENT = 'test/agents/replay-state.mjs';
let home = '';
let id = '';
let recordedStdout = '';

beforeAll(async () => {
  home = tmpHome();
  const r = await runCli(['record', AGENT], { home });
  expect(r.code).toBe(0);
  recordedStdout = r.stdout;
  const runs = await cliJson<{ id: string; steps: number }[]>(['list', '--json'], { home });
  expect(runs).toHaveLength(1);
  id = runs[0].id;
});

afterAll(() => {
  removeHomes();
  cleanupTempDirs();
});

/** The agent run straight from node with the register, as a user would in environment-variable mode. */
function envReplay(extra: Record<string, string>): ReturnType<typeof replayWithEnv> {
  return replayWithEnv(AGENT, { AGENTTRACE_MODE: 'REPLAY', AGENTTRACE_ID: id, AGENTTRACE_HOME: home, ...extra });
}

describe('environment-variable mode', () => {
  it('replays a run by id and prints the verdict itself', async () => {
    const rep = await envReplay({});
    expect(rep.code).toBe(0);
    expect(rep.stdout).toBe(recordedStdout);
    expect(rep.stderr).toBe('agenttrace: Replay verified: output identical (33 events matched)\n');
  });

  it('jumps to a step offline (AGENTTRACE_STEP + AGENTTRACE_OFFLINE) and verifies the state there', async () => {
    const rep = await envReplay({ AGENTTRACE_STEP: '15', AGENTTRACE_OFFLINE: '1' });
    expect(rep.code).toBe(EXIT_STOPPED_AT_STEP);
    expect(rep.stdout).toBe(recordedStdout.split('\n').slice(0, 3).join('\n') + '\n');
    expect(rep.stderr).toBe(
      'agenttrace: state at step 15 verified\nagenttrace: Replay verified: output identical (16 events matched)\nagenttrace: stopped at step 15 (offline)\n',
    );
  });

  it('resumes live from a step (AGENTTRACE_STEP) into a branch run the CLI lists', async () => {
    const rep = await envReplay({ AGENTTRACE_STEP: '15' });
    expect(rep.code).toBe(0);
    const lines = rep.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(recordedStdout.split('\n').slice(0, 3));
    expect(lines[3]).not.toBe(recordedStdout.split('\n')[3]);
    expect(rep.stderr).toContain(`agenttrace: live from step 15 on, recorded as ${id}__resume-15\n`);
    const runs = await cliJson<{ id: string; status: string }[]>(['list', '--json'], { home });
    expect(runs.map((r) => r.id).sort()).toEqual([id, `${id}__resume-15`].sort());
    expect(runs.find((r) => r.id === `${id}__resume-15`)?.status).toBe('ok');
  });

  it('fails closed with one line for an unknown id', async () => {
    const rep = await envReplay({ AGENTTRACE_ID: 'no-such-run' });
    expect(rep.code).toBe(EXIT_REPLAY_SETUP);
    expect(rep.stdout).toBe('');
    expect(rep.stderr).toMatch(/^agenttrace: cannot replay: cannot get the tape of run no-such-run: .*no-such-run.*\n$/);
  });
});
