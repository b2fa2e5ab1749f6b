/**
 * The start gate of a recorded agent, through real child processes: node and the SDK start at once, the agent's own
 * code only after the host's start(); abort() and a host that goes away leave no agent code run and no journal.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_NO_HOST, ENV } from '../../shared/trace/envProtocol.js';
import { hostFile } from '../settings/paths.js';
import { removeTmpHomes, tmpHome } from '../store/testJournal.js';
import { launchAgent, type LaunchedAgent } from './agentLaunch.js';
import { agentEnv, startAgentProcess } from './agentProcess.js';
import { packageRoot } from './sdkPaths.js';

afterAll(removeTmpHomes);

const AGENT = path.join(packageRoot(), 'test', 'agents', 'launch-marker.mjs');

function launch(gated: boolean): { launched: LaunchedAgent; marker: string; out: () => string } {
  const home = tmpHome('atr-launch-');
  const marker = path.join(home, 'marker');
  let out = '';
  const launched = launchAgent({
    home,
    runId: `run-${gated ? 'gated' : 'free'}`,
    baseEnv: { ...process.env, LAUNCH_MARKER: marker },
    env: { [ENV.mode]: 'record' },
    agent: { script: AGENT, args: [], cwd: home, onStdout: (b) => (out += b.toString()) },
    gated,
  });
  return { launched, marker, out: () => out };
}

/** Resolves once the SDK has opened the journal (its setup is then at most the installers away from the gate). */
async function sdkStarted(l: LaunchedAgent): Promise<void> {
  for (let i = 0; i < 600 && !fs.existsSync(l.journal); i++) await new Promise((r) => setTimeout(r, 50));
  expect(fs.existsSync(l.journal)).toBe(true);
  // Past the installers: the agent now blocks on its gate.
  await new Promise((r) => setTimeout(r, 500));
}

describe.skipIf(process.platform === 'win32')('launchAgent: the start gate', () => {
  it("holds the agent's code until start(), then the run records as usual", async () => {
    const { launched, marker, out } = launch(true);
    await sdkStarted(launched);
    expect(fs.existsSync(marker)).toBe(false);
    launched.start();
    const exit = await launched.agent.exit;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(fs.readFileSync(marker, 'utf8')).toBe('ran');
    expect(out()).toBe('ran\n');
    const lines = fs.readFileSync(launched.journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: string });
    expect(lines[0].t).toBe('run');
    expect(lines.at(-1)?.t).toBe('end');
    // The sidecar stays until the host's final ingest removes it.
    expect(fs.existsSync(hostFile(launched.home, launched.runId))).toBe(true);
  });

  it('abort() stops a held agent before any of its code ran and removes its journal and sidecar', async () => {
    const { launched, marker } = launch(true);
    await sdkStarted(launched);
    await launched.abort();
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.existsSync(launched.journal)).toBe(false);
    expect(fs.existsSync(hostFile(launched.home, launched.runId))).toBe(false);
  });

  it('a host that goes away without start(): the agent exits with EXIT_NO_HOST, runs none of its code, leaves no journal', async () => {
    const { launched, marker } = launch(true);
    await sdkStarted(launched);
    // What the kernel does for a host that died: its end of the gate closes with nothing written.
    (launched.agent.child.stdio[3] as Writable).end();
    const exit = await launched.agent.exit;
    expect(exit).toEqual({ code: EXIT_NO_HOST, signal: null });
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.existsSync(launched.journal)).toBe(false);
  });

  it('an ungated launch runs at once (resume and branch runs get their tape instead)', async () => {
    const { launched, marker } = launch(false);
    const exit = await launched.agent.exit;
    expect(exit.code).toBe(0);
    expect(fs.readFileSync(marker, 'utf8')).toBe('ran');
    expect(launched.agent.child.stdio[3]).toBeFalsy();
  });

  it('a gate the agent cannot read is no answer: the agent records as usual', async () => {
    const home = tmpHome('atr-launch-');
    const marker = path.join(home, 'marker');
    const journal = path.join(home, 'j.ndjson');
    // Descriptor 3 is not open in this child: reading the gate fails (EBADF).
    const env = agentEnv({ ...process.env, LAUNCH_MARKER: marker }, { [ENV.mode]: 'record', [ENV.journal]: journal, [ENV.hostReady]: '/dev/fd/3' });
    const exit = await startAgentProcess({ script: AGENT, args: [], cwd: home, env, onStdout: () => undefined }).exit;
    expect(exit.code).toBe(0);
    expect(fs.readFileSync(marker, 'utf8')).toBe('ran');
    expect(fs.readFileSync(journal, 'utf8')).toContain('"t":"end"');
  });
});
