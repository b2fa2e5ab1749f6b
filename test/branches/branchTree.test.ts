/**
 * Branch trees through the real CLI: names and duplicates, a branch of a branch (lineage through both forks), a
 * pending parent, re-running a branch, delete (never a trace, never a parent, children only with --recursive).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BranchTreeJson } from '../../src/cli/commands/branchList.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { cliJson, removeHomes, tmpHome } from '../cli/cliHarness.js';
import { cli, prompts, recordAgent, showJson } from './branchHarness.js';

const mock = useMockLlm();
afterAll(() => {
  removeHomes();
});

describe('branch trees', () => {
  it('names, branches of branches, re-runs and deletes', async () => {
    const home = tmpHome();
    const env = { MOCK_URL: mock.url };
    const rec = await recordAgent(home, 'branch-chain.mjs', env);
    const [first, second, third] = rec.llm.map((e) => e.seq);
    const parentBefore = (await cli(home, ['show', rec.id, '--json'])).stdout;

    // Names: validated, unique, default step-N.
    const bad = await cli(home, ['branch', 'create', rec.id, '--step', String(first), '--name', 'a/b'], {}, false);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('agenttrace: invalid branch name "a/b": use 1-64 letters, digits, "-", "_" or "." (e.g. --name retry-with-more-context)\n');
    await cli(home, ['branch', 'create', rec.id, '--step', String(first)]);
    const dup = await cli(home, ['branch', 'create', rec.id, '--step', String(first)], {}, false);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toBe(`agenttrace: branch ${rec.id}__step-${first} already exists (pick another --name, or delete it first: agenttrace branch delete ${rec.id}__step-${first})\n`);
    const notRun = await cli(home, ['replay', `${rec.id}__step-${first}`], {}, false);
    expect(notRun.stderr).toBe(`agenttrace: branch ${rec.id}__step-${first} has not run yet: there is nothing recorded to replay (run it: agenttrace replay ${rec.id} --branch ${rec.id}__step-${first})\n`);
    const beyond = await cli(home, ['branch', 'create', rec.id, '--step', '100000'], {}, false);
    expect(beyond.stderr).toMatch(/^agenttrace: step 100000 is beyond the end of run/);

    // A branch of a pending branch is refused; once it ran, branching from it works.
    const a = `${rec.id}__a`;
    await cli(home, ['branch', 'create', rec.id, '--step', String(first), '--name', 'a']);
    await cli(home, ['branch', 'edit', a, '--event', String(first), '--payload', '{"content": "PLAN A"}']);
    const pending = await cli(home, ['branch', 'create', a, '--step', String(third)], {}, false);
    expect(pending.stderr).toBe(`agenttrace: branch ${a} has not run yet, so it has no events to branch from (run it first: agenttrace branch run ${a})\n`);
    const ranA = await cli(home, ['replay', rec.id, '--branch', 'a'], env);
    expect(ranA.stdout).toBe('1: PLAN A\n2: echo: refine this plan: PLAN A\n3: echo: summarize: echo: refine this plan: PLAN A\n');

    // Branch of the branch at the third call: its lineage is trace → a → a__b; edit the third reply.
    const ab = `${a}__b`;
    await cli(home, ['branch', 'create', a, '--step', String(third), '--name', 'b']);
    await cli(home, ['branch', 'edit', ab, '--event', String(third), '--payload', '{"content": "SUMMARY B"}']);
    const served = mock.requests.length;
    const ranAb = await cli(home, ['replay', rec.id, '--branch', ab, '--offline'], env);
    // Everything up to the edit came from a's run (its live second call included): no request reached the server.
    expect(ranAb.stdout).toBe('1: PLAN A\n2: echo: refine this plan: PLAN A\n3: SUMMARY B\n');
    expect(mock.requests.length).toBe(served);
    const abShown = await showJson(home, ab);
    expect(abShown.run).toMatchObject({ parentId: a, forkSeq: third - 1, status: 'ok' });
    expect(Math.min(...abShown.events.map((e) => e.seq))).toBe(third);
    const aShown = await showJson(home, a, 'llm');
    expect(prompts(aShown.events[1])).toEqual(['refine this plan: PLAN A']);

    // The tree.
    const [tree] = await cliJson<BranchTreeJson[]>(['branch', 'list', ab, '--json'], { home });
    expect(tree.id).toBe(rec.id);
    expect(tree.children.map((c) => c.id).sort()).toEqual([a, `${rec.id}__step-${first}`]);
    const aNode = tree.children.find((c) => c.id === a) as BranchTreeJson;
    expect(aNode.children.map((c) => [c.id, c.status, c.forkSeq])).toEqual([[ab, 'ok', third - 1]]);
    const text = (await cli(home, ['branch', 'list'])).stdout;
    expect(text).toMatch(new RegExp(`^[├└]─ ${a}\\s+a\\s+step ${first}\\s+ok`, 'm'));
    expect(text).toMatch(new RegExp(`^[│ ]  └─ ${ab}\\s+b\\s+step ${third}\\s+ok\\s+\\d+\\s+\\d+\\s+1$`, 'm'));
    expect(text).toMatch(new RegExp(`^[├└]─ ${rec.id}__step-${first}\\s+step-${first}\\s+step ${first}\\s+pending\\s+-\\s+0\\s+-$`, 'm'));

    // Re-running a keeps its row, edit and child; its events are the new run's.
    const again = await cli(home, ['branch', 'run', a], env);
    expect(again.stdout).toMatch(new RegExp(`^ok\\s+${a}: ok \\(exit 0\\), \\d+ steps, live from step ${second} \\(`));
    const aAgain = await showJson(home, a);
    expect(aAgain.run.overrides).toEqual({ [String(first)]: { type: 'reply', reply: { role: 'assistant', content: 'PLAN A' } } });
    expect(new Set(aAgain.events.map((e) => e.seq)).size).toBe(aAgain.events.length);
    const afterRun = (await cliJson<BranchTreeJson[]>(['branch', 'list', a, '--json'], { home }))[0].children.find((c) => c.id === a);
    expect(afterRun?.children.map((c) => c.id)).toEqual([ab]);

    // Delete: never a trace; a parent only with --recursive; the trace itself is untouched.
    const root = await cli(home, ['branch', 'delete', rec.id], {}, false);
    expect(root.stderr).toBe(`agenttrace: ${rec.id} is a trace, not a branch (create a branch of it first: agenttrace branch create ${rec.id} --step N)\n`);
    const withChild = await cli(home, ['branch', 'delete', a], {}, false);
    expect(withChild.code).toBe(2);
    expect(withChild.stderr).toBe(`agenttrace: branch ${a} has 1 branch of its own (${ab}) (delete them first, or delete them all with: agenttrace branch delete ${a} --recursive)\n`);
    const del = await cli(home, ['branch', 'delete', a, '--recursive']);
    expect(del.stdout).toBe(`Deleted branch ${a} and its 1 branch: ${ab}\n`);
    const missing = await cli(home, ['show', ab], {}, false);
    expect(missing.code).toBe(1);
    await cli(home, ['branch', 'delete', `${rec.id}__step-${first}`]);
    expect((await cli(home, ['branch', 'list'])).stdout).toBe('No branches yet. Create one with: agenttrace branch create <id> --step N\n');
    expect((await cli(home, ['show', rec.id, '--json'])).stdout).toBe(parentBefore);
  });
});
