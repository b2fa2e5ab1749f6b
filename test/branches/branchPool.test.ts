/**
 * `agenttrace branch run` with several branches: each runs in its own agent process, at most --parallel at once,
 * one status line per branch as it finishes, a failing branch does not stop the others, and the exit code is
 * non-zero when any failed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BranchTreeJson } from '../../src/cli/commands/branchList.js';
import type { StoredRun } from '../../src/engine/store/storeTypes.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { cliJson, removeHomes, tmpHome } from '../cli/cliHarness.js';
import { cli, recordAgent, showJson } from './branchHarness.js';

// Each live call takes a while, so the branches' runs overlap when the pool lets them.
const mock = useMockLlm({ latencyMs: 250 });
afterAll(() => {
  removeHomes();
});

/** The largest number of runs whose [startedAt, endedAt] intervals overlap at one instant. */
function maxOverlap(runs: StoredRun[]): number {
  const points = runs.flatMap((r) => [
    [r.startedAt, 1],
    [r.endedAt as number, -1],
  ]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (cur += d));
  return max;
}

describe('branch run: a pool of branch runs', () => {
  it('runs four branches two at a time; the failing one is reported and makes the exit non-zero', async () => {
    const home = tmpHome();
    const env = { MOCK_URL: mock.url };
    const rec = await recordAgent(home, 'branch-chain.mjs', env);
    const [first, second] = rec.llm.map((e) => e.seq);
    const names = ['p1', 'p2', 'p3'];
    for (const n of names) {
      await cli(home, ['branch', 'create', rec.id, '--step', String(second), '--name', n]);
      await cli(home, ['branch', 'edit', `${rec.id}__${n}`, '--event', String(second), '--payload', JSON.stringify({ content: `EDIT ${n}` })]);
    }
    // This one gets a server error for its first call: the agent (openai client, no retries) fails.
    await cli(home, ['branch', 'create', rec.id, '--step', String(first), '--name', 'broken']);
    await cli(home, ['branch', 'edit', `${rec.id}__broken`, '--event', String(first), '--payload', '{"status": 500, "body": {"error": {"message": "edited outage"}}}']);
    const ids = [...names, 'broken'].map((n) => `${rec.id}__${n}`);

    const r = await cli(home, ['branch', 'run', ...ids, '--parallel', '2'], env, false);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const n of names) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ok\\s+${rec.id}__${n}: ok \\(exit 0\\), \\d+ steps, live from step \\d+ \\(\\d`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^FAILED\\s+${rec.id}__broken: failed \\(exit 1\\), \\d+ steps`)));
    expect(lines[4]).toBe('3 of 4 branches succeeded');

    // Each branch recorded its own continuation, with its own edit in the later prompts.
    for (const n of names) {
      const { events } = await showJson(home, `${rec.id}__${n}`, 'console');
      expect(events.map((e) => (e.payload as { text: string }).text)).toEqual([`2: EDIT ${n}\n`, `3: echo: summarize: EDIT ${n}\n`]);
    }
    const broken = await showJson(home, `${rec.id}__broken`, 'error');
    expect(JSON.stringify(broken.events)).toContain('edited outage');

    // Never more than two at once, and the pool did run two at once.
    const runs = await Promise.all(ids.map(async (id) => (await showJson(home, id, 'exit')).run));
    expect(maxOverlap(runs)).toBe(2);

    // --json: one result per branch in the order given; the parent is untouched by all of it.
    const [tree] = await cliJson<BranchTreeJson[]>(['branch', 'list', rec.id, '--json'], { home });
    expect(tree.children.map((c) => c.status).sort()).toEqual(['failed', 'ok', 'ok', 'ok']);
    const json = await cli(home, ['branch', 'run', ids[0], ids[3], '--json', '--parallel', '1'], env, false);
    const results = JSON.parse(json.stdout) as { branch: string; ok: boolean; exitCode: number }[];
    expect(results.map((x) => [x.branch, x.ok, x.exitCode])).toEqual([
      [ids[0], true, 0],
      [ids[3], false, 1],
    ]);
  });

  it('refuses unknown or repeated branches before running any', async () => {
    const home = tmpHome();
    const rec = await recordAgent(home, 'branch-random.mjs', {});
    await cli(home, ['branch', 'create', rec.id, '--step', '1', '--name', 'x']);
    const unknown = await cli(home, ['branch', 'run', `${rec.id}__x`, `${rec.id}__nope`], {}, false);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`agenttrace: no branch ${rec.id}__nope (list the branches with \`agenttrace branch list\`)\n`);
    const twice = await cli(home, ['branch', 'run', `${rec.id}__x`, `${rec.id}__x`], {}, false);
    expect(twice.stderr).toBe(`agenttrace: branch ${rec.id}__x is listed twice (name each branch once)\n`);
    expect((await showJson(home, `${rec.id}__x`)).run.status).toBe('pending');
  });
});
