import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunListItem, StoredRun } from '../../src/engine/store/storeTypes.js';
import type { StateAtStep, TraceEvent } from '../../src/shared/trace/types.js';
import { AGENTS, cliEnv, cliJson, lastJsonLine, REPO, runCli, startCli, tmpHome, removeHomes } from './cliHarness.js';

afterAll(removeHomes);

interface RecordJson {
  id: string;
  status: string;
  exitCode: number | null;
  steps: number;
  llmCalls: number;
  tokens: { promptTokens: number; completionTokens: number; totalTokens: number };
}

const basic = path.join(AGENTS, 'cli-basic.mjs');

describe('agenttrace record', () => {
  it('records a run: output passes through, list and show return what was recorded', async () => {
    const home = tmpHome();
    const r = await runCli(['record', 'test/agents/cli-basic.mjs', '--name', 'demo', '--keyframe-every', '3', '--json', '--', 'alpha', '--beta'], { home });
    expect(r.stderr).toContain('agent diagnostics on stderr');
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out.slice(0, 4)).toEqual(['hello from agent', 'args: ["alpha","--beta"]', 'random is a number: true', 'bye']);
    const rec = lastJsonLine<RecordJson>(r.stdout);
    expect(rec).toMatchObject({ status: 'ok', exitCode: 0, llmCalls: 0, tokens: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } });
    expect(rec.id).toMatch(/^[0-9a-f-]{36}$/);

    const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: rec.id, name: 'demo', status: 'ok', steps: rec.steps, exitCode: 0, scriptPath: basic });
    expect(runs[0].durationMs).toBeGreaterThanOrEqual(0);

    const shown = await cliJson<{ run: StoredRun; events: TraceEvent[] }>(['show', rec.id.slice(0, 6), '--json'], { home });
    expect(shown.run).toMatchObject({ id: rec.id, argv: ['alpha', '--beta'], keyframeEvery: 3, cwd: REPO, nodeVersion: process.version, status: 'ok' });
    expect(shown.run.scriptSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(shown.run.scriptSource).toContain('hello from agent');
    // Seqs are one counter across kinds, 0-based, without gaps.
    expect(shown.events.map((e) => e.seq)).toEqual(Array.from({ length: rec.steps }, (_, i) => i));
    const annotated = shown.events.filter((e) => ['step', 'state', 'tool'].includes(e.kind));
    expect(annotated.map((e) => e.kind)).toEqual(['step', 'state', 'state', 'tool']);
    const [plan, , , tool] = annotated;
    // SDK hooks: console lines of both streams, the recorded Math.random value, and the exit event.
    const consoleEvents = shown.events.filter((e) => e.kind === 'console').map((e) => e.payload);
    expect(consoleEvents).toEqual([
      { stream: 'stdout', text: 'hello from agent\n' },
      { stream: 'stdout', text: 'args: ["alpha","--beta"]\n' },
      { stream: 'stderr', text: 'agent diagnostics on stderr\n' },
      { stream: 'stdout', text: 'random is a number: true\n' },
      { stream: 'stdout', text: 'bye\n' },
    ]);
    const random = shown.events.filter((e) => e.kind === 'random');
    expect(random.length).toBeGreaterThanOrEqual(1);
    expect(random[0].payload).toMatchObject({ source: 'Math.random', value: expect.any(Number) });
    expect(shown.events[shown.events.length - 1]).toMatchObject({ kind: 'exit', payload: { code: 0 } });
    // The plan step was patched after later events were written.
    expect(plan.payload).toEqual({ name: 'plan', input: { goal: 'demo' }, output: 'done', durationMs: 5 });
    expect(tool).toMatchObject({ parentSeq: plan.seq, payload: { name: 'search', output: 'found 3' } });

    // State at the last state delta: keyframe (taken at the first delta) + the delta after it.
    const secondDelta = annotated[2].seq;
    const step = await cliJson<{ event: TraceEvent; state: StateAtStep }>(['show', rec.id.slice(0, 8), '--step', String(secondDelta), '--json'], { home });
    expect(step.event).toMatchObject({ seq: secondDelta, kind: 'state' });
    expect(step.state).toMatchObject({ seq: secondDelta, keyframeSeq: annotated[1].seq, tracked: { memory: { notes: ['a', 'b'] } } });

    const kinds = await cliJson<{ events: TraceEvent[] }>(['show', rec.id, '--json', '--kind', 'tool', '--kind', 'step'], { home });
    expect(kinds.events.map((e) => e.kind)).toEqual(['step', 'tool']);
    const limited = await cliJson<{ events: TraceEvent[] }>(['show', rec.id, '--json', '--limit', '2'], { home });
    expect(limited.events.map((e) => e.seq)).toEqual([0, 1]);
  });

  it('show --step returns the state at that step from the SDK keyframes plus deltas', async () => {
    const home = tmpHome();
    const r = await runCli(['record', 'test/agents/cli-state.mjs', '--keyframe-every', '4', '--json'], { home });
    expect(r.code).toBe(0);
    const rec = lastJsonLine<RecordJson>(r.stdout);
    const shown = await cliJson<{ events: TraceEvent[] }>(['show', rec.id, '--json', '--kind', 'console'], { home });
    const after = shown.events.map((e) => ({ seq: e.seq, i: Number(/after step (\d+)/.exec((e.payload as { text: string }).text)?.[1]) }));
    expect(after.map((a) => a.i)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (const { seq, i } of [after[0], after[5], after[11]]) {
      const at = await cliJson<{ event: TraceEvent; state: StateAtStep }>(['show', rec.id, '--step', String(seq), '--json'], { home });
      expect(at.event.seq).toBe(seq);
      expect(at.state.keyframeSeq).not.toBeNull();
      expect(at.state.keyframeSeq as number).toBeLessThanOrEqual(seq);
      expect(at.state.tracked.memory).toEqual({ notes: Array.from({ length: i + 1 }, (_, k) => `n${k}`), count: i + 1 });
    }
    const human = await runCli(['show', rec.id.slice(0, 8), '--step', String(after[2].seq)], { home });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^State at step \d+ \(keyframe \d+ \+ deltas\)$/m);
    expect(human.stdout).toContain('"n2"');
  });

  it('keeps the agent stdout byte-identical and prints the trace id on stderr', async () => {
    const home = tmpHome();
    const direct = spawnSync(process.execPath, [basic, 'x'], { cwd: REPO, encoding: 'utf8' });
    const r = await runCli(['record', basic, '--', 'x'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(direct.stdout);
    const m = /^Trace recorded: ([0-9a-f-]{36})$/m.exec(r.stderr);
    expect(m).not.toBeNull();
    expect(r.stderr.trimEnd().endsWith(`Trace recorded: ${m?.[1]}`)).toBe(true);
    const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(runs.map((x) => x.id)).toEqual([m?.[1]]);
  });

  it("passes the agent's exit code through and marks the run failed", async () => {
    const home = tmpHome();
    const r = await runCli(['record', basic, '--json', '--', '--exit', '3'], { home });
    expect(r.code).toBe(3);
    expect(lastJsonLine<RecordJson>(r.stdout)).toMatchObject({ status: 'failed', exitCode: 3 });

    const t = await runCli(['record', 'test/agents/cli-throw.mjs'], { home });
    expect(t.code).toBe(1);
    expect(t.stdout).toBe('about to fail\n');
    expect(t.stderr).toContain('agent exploded on purpose');
    const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(runs.map((x) => [x.status, x.exitCode])).toEqual([
      ['failed', 1],
      ['failed', 3],
    ]);
  });

  it('records a TypeScript agent through tsx, with --node', async () => {
    const home = tmpHome();
    const r = await runCli(['record', 'test/agents/cli-hello.ts', '--node', process.execPath, '--json', '--', 'otter'], { home });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('hello otter 0\nhello otter 1\n')).toBe(true);
    const rec = lastJsonLine<RecordJson>(r.stdout);
    const shown = await cliJson<{ run: StoredRun; events: TraceEvent[] }>(['show', rec.id, '--json', '--kind', 'step'], { home });
    expect(shown.run.scriptPath).toBe(path.join(AGENTS, 'cli-hello.ts'));
    expect(shown.events.map((e) => e.payload)).toEqual([{ name: 'greet', input: { who: 'otter', times: 2 } }]);
  });

  it('works for an agent outside this repository (SDK and tsx resolved from agenttrace itself)', async () => {
    const home = tmpHome();
    const dir = fs.mkdtempSync(path.join(home, 'elsewhere-'));
    fs.copyFileSync(path.join(AGENTS, 'cli-hello.ts'), path.join(dir, 'agent.ts'));
    const r = await runCli(['record', 'agent.ts', '--json'], { home, cwd: dir });
    expect(r.code).toBe(0);
    expect(lastJsonLine<RecordJson>(r.stdout).status).toBe('ok');
  });

  it('ingests while the agent runs: another process sees the run live with a growing step count', async () => {
    const home = tmpHome();
    // 300 ticks of 10 ms: the agent outlives the start of a second CLI process (`list`) even on a loaded machine.
    const rec = startCli(['record', 'test/agents/cli-loop.mjs', '--', '--max', '300'], { home });
    await rec.waitFor(/tick 20\n/);
    const live = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(live).toHaveLength(1);
    expect(live[0].status).toBe('running');
    expect(live[0].steps).toBeGreaterThan(0);
    const r = await rec.done;
    expect(r.code).toBe(0);
    const done = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(done[0].status).toBe('ok');
    const steps = await cliJson<{ events: TraceEvent[] }>(['show', done[0].id, '--json', '--kind', 'step'], { home });
    expect(steps.events.map((e) => (e.payload as { input: number }).input)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(fs.readdirSync(path.join(home, 'journals'))).toEqual([]);
  });

  it('picks up runs recorded in environment-variable mode (no CLI) on the next list', async () => {
    const home = tmpHome();
    const agent = spawnSync(process.execPath, ['--import', path.join(REPO, 'dist/sdk/register.mjs'), basic, 'env-mode'], {
      cwd: REPO,
      encoding: 'utf8',
      env: cliEnv(home, { AGENTTRACE_MODE: 'record', AGENTTRACE_NAME: 'from-env' }),
    });
    expect(agent.status).toBe(0);
    expect(fs.readdirSync(path.join(home, 'journals'))).toHaveLength(1);
    const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'from-env', status: 'ok', exitCode: 0, scriptPath: basic });
    const shown = await cliJson<{ run: StoredRun; events: TraceEvent[] }>(['show', runs[0].id, '--json', '--kind', 'tool'], { home });
    expect(shown.run.argv).toEqual(['env-mode']);
    expect(shown.events.map((e) => (e.payload as { name: string }).name)).toEqual(['search']);
    expect(fs.readdirSync(path.join(home, 'journals'))).toEqual([]);
  });

  it('prints a readable table in list and show', async () => {
    const home = tmpHome();
    const rec = lastJsonLine<RecordJson>((await runCli(['record', basic, '--name', 'table-demo', '--json'], { home })).stdout);
    const list = await runCli(['list'], { home });
    expect(list.code).toBe(0);
    const [header, row] = list.stdout.split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['ID', 'NAME/SCRIPT', 'STATUS', 'STEPS', 'LLM CALLS', 'TOKENS', 'COST', 'STARTED', 'DURATION']);
    expect(row).toContain(rec.id.slice(0, 8));
    expect(row).toMatch(new RegExp(`table-demo\\s+ok\\s+${rec.steps}\\s+0\\s+0\\s+\\$0\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\d`));
    const show = await runCli(['show', rec.id.slice(0, 8)], { home });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^Run\s+[0-9a-f-]{36}$/m);
    expect(show.stdout).toMatch(/^Status\s+ok \(exit 0\)$/m);
    expect(show.stdout).toMatch(/^\s*\d+\s+\+\d+ms\s+tool\s+search$/m);
  });
});
