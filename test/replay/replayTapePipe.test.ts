/**
 * The replay tape handed to the agent on a pipe (POSIX): replayRun starts the agent first and writes the tape into
 * its fd 3 while node starts; the SDK reads it to the end before any agent code runs and closes the descriptor. An
 * empty pipe (a host gone before writing) is a setup error: the agent's code never runs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayRun } from '../../src/engine/replay/replayRun.js';
import { openDatabase } from '../../src/engine/store/openDatabase.js';
import { openStore } from '../../src/engine/store/store.js';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import { EXIT_REPLAY_SETUP } from '../../src/shared/trace/tape.js';
import { REGISTER, tempDir } from '../helpers/replayHarness.js';
import { cleanupTempDirs } from '../../sdk/determinism/spawnAgent.js';
import { AGENTS, REPO, cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';

afterAll(() => {
  removeHomes();
  cleanupTempDirs();
});

const posix = process.platform !== 'win32';

describe.runIf(posix)('replay tape on fd 3', () => {
  it('replays identically, and the agent finds no descriptor left open by the handover', async () => {
    const home = tmpHome();
    const script = path.join(AGENTS, 'replay-tape-fd.mjs');
    const rec = await runCli(['record', script], { home });
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toContain('fd 3 is a socket: false\n');
    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    const store = openStore({ home, env: {} });
    try {
      let out = '';
      const rep = await replayRun({ runId: run.id, store, env: { PATH: process.env.PATH ?? '' }, cwd: REPO, onStdout: (b) => (out += b.toString()), onStderr: () => undefined });
      expect(rep.outcome.kind).toBe('verified');
      expect(rep.verdict).toMatchObject({ identical: true, stdoutIdentical: true });
      expect(out).toBe(rec.stdout);
    } finally {
      store.close();
    }
  });

  it('a tape that cannot be built after the agent started stops the agent before any of its code runs', async () => {
    const home = tmpHome();
    const rec = await runCli(['record', path.join(AGENTS, 'replay-tape-fd.mjs')], { home });
    expect(rec.code, rec.stderr).toBe(0);
    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    // A damaged event row: the run and its script are fine (checked before the agent starts), its events are not.
    const db = openDatabase(path.join(home, 'traces.db'));
    db.prepare("UPDATE events SET payload = '{damaged' WHERE run_key = (SELECT key FROM run_keys WHERE id = ?) AND kind = 'console'").run(run.id);
    db.close();
    const store = openStore({ home, env: {} });
    try {
      let out = '';
      const replaying = replayRun({ runId: run.id, store, env: { PATH: process.env.PATH ?? '' }, cwd: REPO, onStdout: (b) => (out += b.toString()), onStderr: () => undefined });
      // The damaged row's own error, from reading the events for the tape (after the agent was started).
      await expect(replaying).rejects.toThrow(SyntaxError);
      expect(out).toBe('');
    } finally {
      store.close();
    }
  });

  it('an empty pipe is a setup error before any agent code runs', async () => {
    const dir = tempDir('agenttrace-tapepipe-');
    const script = path.join(dir, 'agent.mjs');
    fs.writeFileSync(script, "console.log('ran');\n");
    const child = spawn(process.execPath, ['--import', REGISTER, script], {
      env: { PATH: process.env.PATH ?? '', AGENTTRACE_MODE: 'replay', AGENTTRACE_TAPE: '/dev/fd/3', AGENTTRACE_JOURNAL: path.join(dir, 'j.ndjson') },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    (child.stdio[3] as NodeJS.WritableStream).end();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(EXIT_REPLAY_SETUP);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^agenttrace: cannot replay: the replay tape \/dev\/fd\/3 is not valid JSON/);
  });
});
