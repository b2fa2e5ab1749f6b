/**
 * The seed's flow end to end, through the real CLI, the real openai client and the mock LLM server: record an agent
 * whose later prompts include earlier replies; branch at the second LLM call; edit its reply; run the branch. The
 * edited text reaches the later prompts (the server's requests and the branch's stored events) and the agent's
 * stdout; only the non-matching call goes to the server; the original trace stays byte-for-byte the same; the
 * branch shows in `branch list`. Offline, the first request the record cannot answer stops the branch (exit 3).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BranchTreeJson } from '../../src/cli/commands/branchList.js';
import type { LlmPayload } from '../../src/shared/trace/types.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';
import { KEYS, cli, prompts, recordAgent, showJson } from './branchHarness.js';

const mock = useMockLlm();
afterAll(() => {
  removeHomes();
});

describe('branch at the second LLM call, edit its reply, run the branch', () => {
  it('the edited reply flows into later prompts and stdout; the parent is unchanged; the branch is listed', async () => {
    const home = tmpHome();
    const env = { MOCK_URL: mock.url };
    const rec = await recordAgent(home, 'branch-chain.mjs', env);
    expect(rec.llm).toHaveLength(3);
    expect(rec.stdout).toContain('2: echo: refine this plan: echo: plan a trip');
    const second = rec.llm[1].seq;
    const parentBefore = (await cli(home, ['show', rec.id, '--json'])).stdout;

    const created = await cli(home, ['branch', 'create', rec.id, '--step', String(second), '--name', 'edited']);
    const branch = `${rec.id}__edited`;
    expect(created.stdout).toContain(`Branch created: ${branch}`);
    const edit = await cli(home, ['branch', 'edit', branch, '--event', String(second), '--payload', '{"content":"EDITED TEXT"}']);
    expect(edit.stdout).toMatch(new RegExp(`^Edited event ${second} \\(llm\\) of ${branch}: reply "EDITED TEXT"`));

    const served = mock.requests.length;
    const run = await runCli(['replay', rec.id, '--branch', 'edited'], { home, env: { ...KEYS, ...env } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('1: echo: plan a trip\n2: EDITED TEXT\n3: echo: summarize: EDITED TEXT\n');
    expect(run.stderr).toMatch(new RegExp(`^Branch ${branch} ran from step ${second} of ${rec.id} with 1 edit$`, 'm'));
    expect(run.stderr).toMatch(new RegExp(`live from step ${rec.llm[2].seq}: request POST .* matches no recorded call`));
    // Only the third call (its prompt now differs) reached the server: the others were served from the record.
    const live = mock.requests.slice(served);
    expect(live).toHaveLength(1);
    expect(live[0].body.messages[1].content).toBe('summarize: EDITED TEXT');

    // The branch stores only its own events (after the fork), including the edited reply and the new prompt.
    const b = await showJson(home, branch);
    expect(b.run).toMatchObject({ parentId: rec.id, forkSeq: second - 1, status: 'ok', exitCode: 0, mode: 'branch', name: 'edited' });
    expect(Math.min(...b.events.map((e) => e.seq))).toBe(second);
    const llm = b.events.filter((e) => e.kind === 'llm');
    expect(llm.map((e) => e.seq)).toEqual([second, rec.llm[2].seq]);
    expect((llm[0].payload as LlmPayload).reply?.content).toBe('EDITED TEXT');
    expect(prompts(llm[1])).toEqual(['summarize: EDITED TEXT']);
    expect((llm[1].payload as LlmPayload).reply?.content).toBe('echo: summarize: EDITED TEXT');

    // The parent: not a byte changed.
    expect((await cli(home, ['show', rec.id, '--json'])).stdout).toBe(parentBefore);

    const list = await cli(home, ['branch', 'list', rec.id]);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RUN\s+NAME\s+FROM\s+STATUS\s+STEPS\s+TOKENS\s+EDITS$/);
    expect(lines[1]).toMatch(new RegExp(`^${rec.id}\\s+branch-chain\\.mjs\\s+-\\s+ok\\s+\\d+`));
    expect(lines[2]).toMatch(new RegExp(`^└─ ${branch}\\s+edited\\s+step ${second}\\s+ok\\s+${b.run.steps}\\s+${b.run.usage.totalTokens}\\s+1$`));
    const [tree] = await cliJson<BranchTreeJson[]>(['branch', 'list', rec.id, '--json'], { home });
    expect(tree.children).toHaveLength(1);
    expect(tree.children[0]).toMatchObject({ id: branch, forkSeq: second - 1, status: 'ok', edits: { [String(second)]: { type: 'reply', reply: { content: 'EDITED TEXT' } } } });

    // Offline: the edited call is served, the third request matches nothing recorded: a divergence stop, exit 3.
    const before = mock.requests.length;
    const off = await runCli(['replay', rec.id, '--branch', branch, '--offline'], { home, env: { ...KEYS, ...env } });
    expect(off.code, off.stderr).toBe(3);
    expect(mock.requests.length).toBe(before);
    expect(off.stdout).toBe('1: echo: plan a trip\n2: EDITED TEXT\n');
    expect(off.stderr).toMatch(new RegExp(`^agenttrace: replacing the earlier run of ${branch}$`, 'm'));
    expect(off.stderr).toMatch(new RegExp(`^Replay diverged at step ${rec.llm[2].seq} \\(llm, unmatched-request\\): `, 'm'));
    expect(off.stderr).toContain('body.messages.1.content: expected "summarize: echo: refine this plan: echo: plan a trip", actual "summarize: EDITED TEXT"');
    expect(off.stderr).toMatch(/stopped there \(run the branch without --offline to continue live from it\)/);
    // The re-run replaced the branch's events and kept its edit: the third call was issued but never answered.
    const again = await showJson(home, branch);
    expect(again.run.status).toBe('diverged');
    expect(again.run.overrides).toEqual(b.run.overrides);
    const third = again.events.filter((e) => e.kind === 'llm');
    expect(third.map((e) => e.seq)).toEqual([second, rec.llm[2].seq]);
    expect((third[1].payload as LlmPayload).response).toBeUndefined();
    expect(again.events.some((e) => e.kind === 'console' && (e.payload as { text: string }).text.startsWith('3:'))).toBe(false);
    expect((await cli(home, ['show', rec.id, '--json'])).stdout).toBe(parentBefore);
  });
});
