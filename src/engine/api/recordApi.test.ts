/**
 * "Record a script…" through the in-memory transport (what crosses IPC/HTTP), against a real store in a temp home
 * and real agent child processes: the call returns while the agent runs, the run grows and ends in the store, bad
 * input is refused before anything starts, several recordings run at once, and the host can stop them all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, RpcCallError } from '../../shared/rpc/client.js';
import type { WorkbenchApi } from '../../shared/rpc/contract.js';
import type { ErrorPayload } from '../../shared/trace/types.js';
import { memoryTransport } from '../../shared/rpc/memoryTransport.js';
import { packageRoot } from '../runner/sdkPaths.js';
import { journalsDir } from '../settings/paths.js';
import type { TraceStore } from '../store/store.js';
import { tmpHome } from '../store/testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { createDispatcher } from './dispatcher.js';
import { Recordings, type RecordApiOptions } from './recordApi.js';
import { createWorkbenchApi } from './workbenchApi.js';

const stores = testStores();

const AGENTS = path.join(packageRoot(), 'test', 'agents');
const recordingSets: Recordings[] = [];
// Nothing outlives a test: agents still running are stopped before their store closes (this hook is registered
// after testStores', so it runs first).
afterEach(async () => {
  for (const r of recordingSets.splice(0)) await r.stopAll();
});

function setup(opts: RecordApiOptions = {}): { api: WorkbenchApi; store: TraceStore; recordings: Recordings; home: string } {
  const home = tmpHome('atr-rec-');
  const store = stores.open(home);
  const recordings = opts.recordings ?? new Recordings();
  recordingSets.push(recordings);
  const api = createClient(memoryTransport(createDispatcher(createWorkbenchApi(store, { record: { progressMs: 20, env: { ...process.env, AGENTTRACE_HOME: home }, ...opts, recordings } }))));
  return { api, store, recordings, home };
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RpcCallError) return { code: e.code, message: e.message, hint: (e.data as { hint?: string } | undefined)?.hint };
    throw e;
  }
  throw new Error('the call succeeded');
}

const finished = (api: WorkbenchApi, runId: string): Promise<void> =>
  vi.waitFor(
    async () => {
      const run = await api.getRun({ runId });
      if (run.status === 'running') throw new Error('still running');
    },
    { timeout: 20_000, interval: 50 },
  );

describe('recordScript', () => {
  it('returns the run id while the agent runs; the run grows, reports progress and ends ok', async () => {
    const changed = vi.fn();
    const { api, store, recordings, home } = setup({ onRunsChanged: changed });
    const script = path.join(AGENTS, 'record-progress.mjs');
    const { runId } = await api.recordScript({ script, args: ['--steps', '8', '--sleep', '80'], name: '  from the dialog  ' });

    const first = await api.getRun({ runId });
    expect(first).toMatchObject({ id: runId, status: 'running', name: 'from the dialog', scriptPath: script, argv: ['--steps', '8', '--sleep', '80'] });
    expect(recordings.runIds()).toEqual([runId]);
    // Live: the step count grows in the store while the agent is still running.
    await vi.waitFor(
      () => {
        const run = store.getRun(runId);
        expect(run.status).toBe('running');
        expect(run.steps).toBeGreaterThan(first.steps + 2);
      },
      { timeout: 10_000, interval: 20 },
    );
    await finished(api, runId);

    const run = await api.getRun({ runId });
    expect(run).toMatchObject({ status: 'ok', exitCode: 0 });
    const { lines } = await api.getConsole({ runId });
    expect(lines.map((l) => l.text.trimEnd())).toEqual([...Array.from({ length: 8 }, (_, i) => `round ${i + 1} of 8: drawn`), `done in ${process.cwd()}`]);
    const values = await api.getEvents({ runId, kinds: ['random'] });
    expect(values.total).toBeGreaterThan(0);
    // Progress was reported while it ran and once more at the end, and nothing is left to recover.
    expect(changed.mock.calls.length).toBeGreaterThan(3);
    // The end record can reach the store a moment before the agent process has exited.
    await vi.waitFor(() => expect(recordings.size).toBe(0));
    expect(fs.readdirSync(journalsDir(home))).toEqual([]);
  });

  it('a run failing on an error raised without a throw statement gets its locals by an offline replay', async () => {
    const { api } = setup();
    const { runId } = await api.recordScript({ script: path.join(AGENTS, 'err-locals.mjs'), args: ['missing'] });
    await vi.waitFor(
      async () => {
        const { events } = await api.getEvents({ runId, kinds: ['error'] });
        expect(events).toHaveLength(1);
        const error = await api.getEvent({ runId, seq: events[0].seq });
        const payload = error.event.payload as ErrorPayload;
        expect(payload).toMatchObject({ name: 'TypeError', framesBy: 'replay' });
        expect(payload.frames?.[0]).toMatchObject({ functionName: 'readName', locals: { user: { id: 2 }, greeting: 'Hello' } });
        // The finished run's revision went up: an open view of it reloads the error step.
        expect((await api.getRun({ runId })).revision).toBeGreaterThan(0);
      },
      { timeout: 30_000, interval: 100 },
    );
  }, 40_000);

  it('resolves a relative script against cwd, and runs the agent in that folder', async () => {
    const { api } = setup({ cwd: '/' });
    const { runId } = await api.recordScript({ script: 'record-progress.mjs', args: ['--steps', '1', '--sleep', '1'], cwd: AGENTS });
    await finished(api, runId);
    const run = await api.getRun({ runId });
    expect(run).toMatchObject({ status: 'ok', scriptPath: path.join(AGENTS, 'record-progress.mjs'), cwd: AGENTS });
    const { lines } = await api.getConsole({ runId });
    expect(lines.at(-1)?.text.trimEnd()).toBe(`done in ${AGENTS}`);
  });

  it('uses the host folder when the call gives none', async () => {
    const { api } = setup({ cwd: AGENTS });
    const { runId } = await api.recordScript({ script: './record-progress.mjs', args: ['--steps', '1', '--sleep', '1'] });
    await finished(api, runId);
    expect(await api.getRun({ runId })).toMatchObject({ status: 'ok', cwd: AGENTS });
  });

  it('refuses bad input with a clear error and starts nothing', async () => {
    const { api, store } = setup({ cwd: AGENTS });
    const missing = await failure(api.recordScript({ script: 'no-such-agent.mjs' }));
    expect(missing).toMatchObject({ code: 'ATR_SCRIPT_NOT_FOUND', message: `script not found: ${path.join(AGENTS, 'no-such-agent.mjs')}` });
    expect(missing.hint).toContain(AGENTS);
    const folder = await failure(api.recordScript({ script: AGENTS }));
    expect(folder).toMatchObject({ code: 'ATR_SCRIPT_NOT_FOUND', message: `not a file: ${AGENTS}` });
    const tmp = fs.mkdtempSync(path.join(store.home, 'scripts-'));
    fs.writeFileSync(path.join(tmp, 'agent.py'), 'print(1)\n');
    const python = await failure(api.recordScript({ script: path.join(tmp, 'agent.py') }));
    expect(python).toMatchObject({ code: 'ATR_BAD_ARGS', message: 'cannot record agent.py: unsupported extension ".py"' });
    expect(python.hint).toContain('.js .mjs .cjs .ts .mts .cts');
    const badCwd = await failure(api.recordScript({ script: 'record-progress.mjs', cwd: path.join(tmp, 'gone') }));
    expect(badCwd).toMatchObject({ code: 'ATR_BAD_ARGS', message: `working folder not found: ${path.join(tmp, 'gone')}` });
    const badParams = await failure((api.recordScript as (p: unknown) => Promise<unknown>)({ script: 'a.mjs', argv: [] }));
    expect(badParams.code).toBe('ATR_BAD_PARAMS');
    const empty = await failure(api.recordScript({ script: '' }));
    expect(empty.code).toBe('ATR_BAD_PARAMS');
    expect(store.listRuns({}).total).toBe(0);
  });

  it('runs several recordings at once, each to its own run', async () => {
    const { api, recordings } = setup();
    const script = path.join(AGENTS, 'record-progress.mjs');
    const ids = await Promise.all([1, 2, 3].map((n) => api.recordScript({ script, args: ['--steps', String(n + 2), '--sleep', '150'], name: `r${n}` }).then((r) => r.runId)));
    expect(new Set(ids).size).toBe(3);
    expect(recordings.size).toBeGreaterThan(0);
    for (const id of ids) await finished(api, id);
    const runs = await Promise.all(ids.map((runId) => api.getRun({ runId })));
    // They ran at the same time: every one started before any one ended.
    expect(Math.max(...runs.map((r) => r.startedAt))).toBeLessThan(Math.min(...runs.map((r) => r.endedAt ?? 0)));
    expect(runs.map((r) => [r.name, r.status])).toEqual([
      ['r1', 'ok'],
      ['r2', 'ok'],
      ['r3', 'ok'],
    ]);
    const consoles = await Promise.all(ids.map((runId) => api.getConsole({ runId })));
    expect(consoles.map((c) => c.lines.length)).toEqual([4, 5, 6]);
  });

  it('stops the agents still running on stopAll, keeps what they recorded, and then refuses new recordings', async () => {
    const { api, recordings } = setup();
    // cli-loop ticks every 10 ms until it is killed.
    const { runId } = await api.recordScript({ script: path.join(AGENTS, 'cli-loop.mjs') });
    await vi.waitFor(async () => expect((await api.getRun({ runId })).steps).toBeGreaterThan(3), { timeout: 10_000, interval: 20 });
    await recordings.stopAll();
    expect(recordings.size).toBe(0);
    const run = await api.getRun({ runId });
    expect(run.status).not.toBe('running');
    expect(run.steps).toBeGreaterThan(3);
    const refused = await failure(api.recordScript({ script: path.join(AGENTS, 'record-progress.mjs') }));
    expect(refused).toMatchObject({ code: 'ATR_SPAWN', message: expect.stringMatching(/shutting down/) as unknown });
  });
});
