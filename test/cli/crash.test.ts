/**
 * Crash safety through the real binary: the agent, the CLI, or both are killed with SIGKILL mid-run. The loop
 * agent writes each tick to its journal before printing it, so every tick the test has seen is on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pidAlive } from '../../src/engine/runner/hostSidecar.js';
import { JOURNAL_POLL_MS } from '../../src/engine/runner/tracedRun.js';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import { queryFile } from '../../src/engine/store/testSql.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { cliJson, sleep, startCli, tmpHome, removeHomes } from './cliHarness.js';

afterAll(removeHomes);

const killLater: number[] = [];
afterEach(() => {
  for (const pid of killLater.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

function ticksIn(stdout: string): number {
  const all = [...stdout.matchAll(/^tick (\d+)$/gm)];
  return all.length ? Number(all[all.length - 1][1]) : 0;
}

async function tickInputs(home: string, id: string): Promise<number[]> {
  const shown = await cliJson<{ events: TraceEvent[] }>(['show', id, '--json', '--kind', 'step'], { home });
  return shown.events.map((e) => (e.payload as { input: number }).input);
}

/** Waits until pid is gone or a zombie (a killed orphan waits for PID 1 to reap it, ~2 s in some containers). */
function waitExit(pid: number, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!pidAlive(pid)) resolve();
      else if (Date.now() - t0 > timeoutMs) reject(new Error(`pid ${pid} still alive`));
      else setTimeout(check, 20);
    };
    check();
  });
}

describe('crash safety', () => {
  it('SIGKILL of the agent: the CLI stores every recorded event and marks the run crashed', async () => {
    const home = tmpHome();
    const rec = startCli(['record', 'test/agents/cli-loop.mjs'], { home });
    const pid = Number((await rec.waitFor(/^pid (\d+)$/m))[1]);
    killLater.push(pid);
    await rec.waitFor(/^tick 30$/m);
    process.kill(pid, 'SIGKILL');
    const seen = ticksIn(rec.out());
    const r = await rec.done;
    expect(r.code).toBe(137);
    expect(r.stderr).toMatch(/Trace recorded: [0-9a-f-]{36}/);
    const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(runs[0]).toMatchObject({ status: 'crashed' });
    const inputs = await tickInputs(home, runs[0].id);
    expect(inputs.length).toBeGreaterThanOrEqual(seen);
    expect(inputs.slice(0, seen)).toEqual(Array.from({ length: seen }, (_, i) => i + 1));
  });

  it('SIGKILL of an agent that prints nothing: events recorded ~100 ms before the kill are all kept', async () => {
    const home = tmpHome();
    const noted = path.join(home, 'ticks.txt');
    const rec = startCli(['record', 'test/agents/cli-quiet-loop.mjs', '--', noted], { home });
    const pid = Number((await rec.waitFor(/^pid (\d+)$/m))[1]);
    killLater.push(pid);
    const lastNoted = (): number => Number(fs.readFileSync(noted, 'utf8').trim().split('\n').pop() || 0);
    while (lastNoted() < 30) await sleep(20);
    // Every tick noted before the kill must be in the journal a flush later (every 25 ms): 250 ms = the 100 ms goal
    // plus scheduling slack on a loaded 2-core machine.
    const early = lastNoted();
    await sleep(250);
    process.kill(pid, 'SIGKILL');
    const r = await rec.done;
    expect(r.code).toBe(137);
    const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
    const inputs = await tickInputs(home, runs[0].id);
    expect(inputs.length).toBeGreaterThanOrEqual(early);
    expect(inputs).toEqual(Array.from({ length: inputs.length }, (_, i) => i + 1));
  });

  it('SIGKILL of the CLI: the store already holds the events up to one journal poll before the kill; the next list recovers the rest', async () => {
    const home = tmpHome();
    const rec = startCli(['record', 'test/agents/cli-loop.mjs'], { home });
    const agentPid = Number((await rec.waitFor(/^pid (\d+)$/m))[1]);
    killLater.push(agentPid);
    await rec.waitFor(/^tick 40$/m);
    // What the test had seen one journal poll before the kill (+ 150 ms of scheduling slack on a loaded 2-core
    // machine): the live store lags by at most a poll. Nothing is lost either way (the journal is on disk, below).
    const seenEarly = ticksIn(rec.out());
    await sleep(JOURNAL_POLL_MS + 150);
    rec.child.kill('SIGKILL');
    await rec.exited;

    // Straight from the SQLite file, before any recovery: the live tail had committed everything seen early.
    const file = path.join(home, 'traces.db');
    const stored = queryFile(file, "SELECT count(*) FROM events WHERE kind = 'step'") as number;
    const status = queryFile(file, 'SELECT status FROM runs');
    expect(status).toBe('running');
    expect(stored).toBeGreaterThanOrEqual(seenEarly);

    // The orphaned agent is still running: list ingests what is there and keeps the run open.
    const live = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(live[0].status).toBe('running');
    expect(fs.existsSync(path.join(home, 'journals', `${live[0].id}.ndjson`))).toBe(true);

    process.kill(agentPid, 'SIGKILL');
    await waitExit(agentPid);
    const after = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(after[0]).toMatchObject({ id: live[0].id, status: 'crashed' });
    expect(after[0].endedAt).toBeGreaterThan(after[0].startedAt);
    const inputs = await tickInputs(home, after[0].id);
    expect(inputs.length).toBeGreaterThan(seenEarly);
    expect(inputs).toEqual(Array.from({ length: inputs.length }, (_, i) => i + 1));
    expect(fs.readdirSync(path.join(home, 'journals'))).toEqual([]);
  });

  it('SIGKILL of the whole process group (terminal closed): list shows the run crashed with its events', async () => {
    const home = tmpHome();
    const rec = startCli(['record', 'test/agents/cli-loop.mjs'], { home, detached: true });
    const agentPid = Number((await rec.waitFor(/^pid (\d+)$/m))[1]);
    killLater.push(agentPid);
    await rec.waitFor(/^tick 25$/m);
    process.kill(-(rec.child.pid as number), 'SIGKILL');
    await rec.exited;
    await waitExit(agentPid);
    const seen = ticksIn(rec.out());
    const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(runs[0].status).toBe('crashed');
    const inputs = await tickInputs(home, runs[0].id);
    expect(inputs.slice(0, seen)).toEqual(Array.from({ length: seen }, (_, i) => i + 1));
  });

  it('SIGTERM to the CLI is forwarded to the agent and the run is still stored', async () => {
    const home = tmpHome();
    const rec = startCli(['record', 'test/agents/cli-loop.mjs'], { home });
    const agentPid = Number((await rec.waitFor(/^pid (\d+)$/m))[1]);
    killLater.push(agentPid);
    await rec.waitFor(/^tick 10$/m);
    rec.child.kill('SIGTERM');
    const r = await rec.done;
    expect(r.code).toBe(143);
    await waitExit(agentPid);
    const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(runs[0].status).toBe('crashed');
    expect((await tickInputs(home, runs[0].id)).length).toBeGreaterThanOrEqual(10);
  });
});
