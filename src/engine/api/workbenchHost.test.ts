/**
 * The host wiring both workbench hosts use (desktop main, `agenttrace ui`): a real store in a temp home, a real
 * agent recorded through the dispatcher, its progress reaching the host as runUpdated events, and close() stopping
 * a recording that is still running (its run is stored, not left "running").
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunUpdate } from './runWatcher.js';
import { packageRoot } from '../runner/sdkPaths.js';
import type { TraceStore } from '../store/store.js';
import { tmpHome } from '../store/testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { createWorkbenchHost, type WorkbenchHost } from './workbenchHost.js';

const stores = testStores();

const AGENTS = path.join(packageRoot(), 'test', 'agents');
const hosts: WorkbenchHost[] = [];
// Each host closes before its store (this hook is registered after testStores', so it runs first).
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
});

function setup(wrap?: (name: string) => void): { host: WorkbenchHost; updates: RunUpdate[]; store: TraceStore } {
  const home = tmpHome('atr-host-');
  const store = stores.open(home);
  const updates: RunUpdate[] = [];
  const host = createWorkbenchHost(store, {
    onRunUpdated: (u) => updates.push(u),
    record: { progressMs: 20, env: { ...process.env, AGENTTRACE_HOME: home } },
    watchIntervalMs: 50,
    ...(wrap ? { wrapApi: (api) => ({ ...api, listRuns: (p) => (wrap('listRuns'), api.listRuns(p)) }) } : {}),
  });
  hosts.push(host);
  return { host, updates, store };
}

describe('createWorkbenchHost', () => {
  it('dispatches through the wrapped API and reports a recording from start to end as runUpdated events', async () => {
    const seen: string[] = [];
    const { host, updates } = setup((name) => seen.push(name));
    expect(await host.dispatch('listRuns', {})).toEqual({ ok: true, result: { runs: [], total: 0 } });
    expect(seen).toEqual(['listRuns']);
    expect(await host.dispatch('listRuns', { limt: 5 })).toMatchObject({ ok: false, error: { code: 'ATR_BAD_PARAMS' } });

    // An agent that runs for ~300 ms, several watch intervals: its 'running' state is seen before its end whatever
    // the machine's load (a run shorter than one interval may first be seen ended).
    const started = await host.dispatch('recordScript', { script: path.join(AGENTS, 'cli-loop.mjs'), args: ['--max', '30'] });
    if (!started.ok) throw new Error(started.error.message);
    const { runId } = started.result as { runId: string };
    await vi.waitFor(() => expect(updates.filter((u) => u.runId === runId).at(-1)?.status).toBe('ok'), { timeout: 20_000, interval: 50 });
    expect(updates.some((u) => u.runId === runId && u.status === 'running')).toBe(true);
    await vi.waitFor(() => expect(host.recordings.size).toBe(0), { timeout: 5_000, interval: 20 });
  });

  it('close() stops a recording still running and stores its end', async () => {
    const { host, store } = setup();
    const started = await host.dispatch('recordScript', { script: path.join(AGENTS, 'record-progress.mjs'), args: ['--steps', '200', '--sleep', '100'] });
    if (!started.ok) throw new Error(started.error.message);
    const { runId } = started.result as { runId: string };
    expect(host.recordings.size).toBe(1);
    await host.close();
    expect(host.recordings.size).toBe(0);
    expect(store.getRun(runId).status).not.toBe('running');
  });
});
