/** The runner as an embedding host (the workbench) uses it: piped output, an abort signal, its own store. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalsDir } from '../settings/paths.js';
import { tmpHome } from '../store/testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { recordScript } from './recordScript.js';
import { packageRoot } from './sdkPaths.js';

const { open: store } = testStores();

const AGENTS = path.join(packageRoot(), 'test', 'agents');

describe('recordScript', () => {
  it('pipes the agent output to callbacks and returns the stored totals', async () => {
    const home = tmpHome();
    const s = store(home);
    let out = '';
    let err = '';
    let started: { runId: string; pid: number | undefined } | undefined;
    const res = await recordScript({
      script: path.join(AGENTS, 'cli-basic.mjs'),
      args: ['--exit', '4'],
      store: s,
      name: 'piped',
      onStdout: (b) => (out += b.toString()),
      onStderr: (b) => (err += b.toString()),
      onStart: (info) => (started = info),
    });
    expect(out).toContain('hello from agent\n');
    expect(err).toContain('agent diagnostics on stderr\n');
    expect(started?.runId).toBe(res.id);
    expect(started?.pid).toBeGreaterThan(0);
    expect(res).toMatchObject({ status: 'failed', exitCode: 4, signal: null });
    expect(res.steps).toBe(s.countEvents(res.id));
    expect(s.getRun(res.id)).toMatchObject({ name: 'piped', status: 'failed', exitCode: 4, hostPid: process.pid });
    expect(fs.readdirSync(journalsDir(home))).toEqual([]);
  });

  it('stops the agent when aborted: SIGTERM, the run is crashed and keeps its events', async () => {
    const home = tmpHome();
    const s = store(home);
    const ac = new AbortController();
    let out = '';
    const res = await recordScript({
      script: path.join(AGENTS, 'cli-loop.mjs'),
      store: s,
      signal: ac.signal,
      onStdout: (b) => {
        out += b.toString();
        if (/tick 5\n/.test(out)) ac.abort();
      },
    });
    expect(res).toMatchObject({ status: 'crashed', exitCode: null, signal: 'SIGTERM' });
    const ticks = s.getEvents(res.id, { kinds: ['step'] }).map((e) => (e.payload as { input: number }).input);
    expect(ticks.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects a missing script and a bad keyframe interval before starting anything', async () => {
    const home = tmpHome();
    const s = store(home);
    await expect(recordScript({ script: 'nope.mjs', cwd: home, store: s })).rejects.toMatchObject({ code: 'ATR_SCRIPT_NOT_FOUND', message: `script not found: ${path.join(home, 'nope.mjs')}` });
    await expect(recordScript({ script: path.join(AGENTS, 'cli-basic.mjs'), keyframeEvery: 0, store: s })).rejects.toMatchObject({ code: 'ATR_BAD_ARGS' });
    await expect(recordScript({ script: AGENTS, store: s })).rejects.toMatchObject({ code: 'ATR_SCRIPT_NOT_FOUND' });
    expect(s.listRuns().total).toBe(0);
  });

  it('stores a run even when the agent dies before the SDK could write anything', async () => {
    const home = tmpHome();
    const s = store(home);
    // A node that rejects the flags: no journal at all, yet the attempt is visible as a failed run.
    const fakeNode = path.join(home, 'fake-node.sh');
    fs.writeFileSync(fakeNode, '#!/bin/sh\necho "bad option" >&2\nexit 9\n', { mode: 0o755 });
    const res = await recordScript({ script: path.join(AGENTS, 'cli-basic.mjs'), node: fakeNode, store: s, onStderr: () => {} });
    expect(res).toMatchObject({ status: 'failed', exitCode: 9, steps: 0 });
    expect(s.getRun(res.id).scriptPath).toBe(path.join(AGENTS, 'cli-basic.mjs'));
  });
});
