/**
 * Jump, resume and seek through the real binary:
 * - resume from step N: calls up to N come from the record (the mock server sees none of them), the later ones go
 *   live, and the continuation is stored as branch `<id>__resume-N` with its parent and fork step; again = replace;
 * - offline jump: stops at N, prints the state there and `state at step N verified`;
 * - seek: `show --step N` at random steps equals the state the agent printed at those steps while recording.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredRun, RunListItem } from '../../src/engine/store/storeTypes.js';
import type { ConsolePayload, Json, StateAtStep, TraceEvent } from '../../src/shared/trace/types.js';
import { startMockLlm } from '../mock/llmServer.js';
import { cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';

afterAll(removeHomes);

const KEY = { OPENAI_API_KEY: 'sk-test-resume-000000000000000' };
const lastUser = (body: { messages: { content: string }[] }): string => body.messages[body.messages.length - 1].content;

describe('replay --step N (resume)', () => {
  it('serves steps up to N from the record, goes live after N, and stores the branch with parent and fork step', async () => {
    const home = tmpHome();
    const mock = await startMockLlm();
    try {
      const env = { MOCK_URL: mock.url, ...KEY };
      const rec = await runCli(['record', 'test/agents/host-replay-bench.mjs', '--', '5'], { home, env });
      expect(rec.code, rec.stderr).toBe(0);
      const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
      const { events } = await cliJson<{ events: TraceEvent[] }>(['show', run.id, '--json', '--kind', 'llm'], { home });
      expect(events).toHaveLength(5);
      const fork = events[1].seq; // the second call is still served from the record; calls 3..5 go live
      const before = mock.requests.length;

      const r = await runCli(['replay', run.id, '--step', String(fork)], { home, env });
      expect(r.code, r.stderr).toBe(0);
      const branchId = `${run.id}__resume-${fork}`;
      expect(r.stderr).toMatch(new RegExp(`^state at step ${fork} verified$`, 'm'));
      expect(r.stderr).toMatch(new RegExp(`^Resumed from step ${fork} as ${branchId}$`, 'm'));
      expect(r.stderr).toMatch(new RegExp(`^Branch ${branchId}: ok \\(exit 0\\), \\d+ steps`, 'm'));
      expect(r.stdout).toBe(rec.stdout);
      const live = mock.requests.slice(before);
      expect(live.map((q) => lastUser(q.body))).toEqual([2, 3, 4].map((i) => expect.stringMatching(new RegExp(`^turn ${i} after `))));

      const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
      const branch = runs.find((x) => x.id === branchId);
      expect(branch).toMatchObject({ parentId: run.id, forkSeq: fork, status: 'ok', llmCalls: 3 });
      const shown = await cliJson<{ run: StoredRun; events: TraceEvent[] }>(['show', branchId, '--json'], { home });
      expect(shown.run).toMatchObject({ parentId: run.id, forkSeq: fork, mode: 'resume' });
      expect(Math.min(...shown.events.map((e) => e.seq))).toBeGreaterThan(fork);
      expect(shown.events.filter((e) => e.kind === 'llm')).toHaveLength(3);
      // A step the branch inherited is shown from its parent, the same as on the parent.
      const inherited = await cliJson<{ event: TraceEvent }>(['show', branchId, '--step', String(fork), '--json'], { home });
      const onParent = await cliJson<{ event: TraceEvent }>(['show', run.id, '--step', String(fork), '--json'], { home });
      expect(inherited.event).toEqual(onParent.event);

      // Again from the same step: the branch is replaced, not duplicated.
      const again = await runCli(['replay', run.id, '--step', String(fork)], { home, env });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(new RegExp(`^agenttrace: replaced the earlier resume ${branchId}$`, 'm'));
      const after = await cliJson<RunListItem[]>(['list', '--json'], { home });
      expect(after.filter((x) => x.parentId === run.id).map((x) => x.id)).toEqual([branchId]);
      expect(mock.requests.length - before).toBe(6);
    } finally {
      await mock.close();
    }
  });
});

describe('replay --step N --offline (jump) and seek', () => {
  it('state at random steps equals what the agent printed there while recording; the jump verifies it', async () => {
    const home = tmpHome();
    const rec = await runCli(['record', 'test/agents/state-track.mjs', '--keyframe-every', '3'], { home, env: { AGENT_OUT_DIR: home } });
    expect(rec.code, rec.stderr).toBe(0);
    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    const { events } = await cliJson<{ events: TraceEvent[] }>(['show', run.id, '--json', '--kind', 'console'], { home });
    // Each `STATE <json>` line is a console event: the tracked state at that step is what it printed.
    const printed = events
      .map((e) => ({ seq: e.seq, text: (e.payload as ConsolePayload).text }))
      .filter((e) => e.text.startsWith('STATE '))
      .map((e) => ({ seq: e.seq, memory: JSON.parse(e.text.slice('STATE '.length)) as Json }));
    expect(printed.length).toBeGreaterThan(10);
    const sample = [...printed].sort(() => Math.random() - 0.5).slice(0, 5);
    for (const p of sample) {
      const { state } = await cliJson<{ state: StateAtStep }>(['show', run.id, '--step', String(p.seq), '--json'], { home });
      expect(state.tracked.memory, `step ${p.seq}`).toEqual(p.memory);
    }

    const at = sample[0];
    const jump = await runCli(['replay', run.id, '--step', String(at.seq), '--offline'], { home, env: { AGENT_OUT_DIR: home } });
    expect(jump.code, jump.stderr).toBe(0);
    expect(jump.stderr).toMatch(new RegExp(`^state at step ${at.seq} verified$`, 'm'));
    expect(jump.stderr).toMatch(new RegExp(`^Stopped at step ${at.seq} \\(offline\\)`, 'm'));
    // The agent's output up to the step, then the `show --step` view of that step.
    const [agentOut, view] = jump.stdout.split(`Run ${run.id}  step ${at.seq} of ${run.steps}\n`);
    expect(rec.stdout.startsWith(agentOut)).toBe(true);
    expect(agentOut.trimEnd().split('\n').pop()).toBe(`STATE ${JSON.stringify(at.memory)}`);
    expect(view).toContain(`State at step ${at.seq}`);
    expect(view).toContain(JSON.stringify(at.memory, null, 2).split('\n')[1].trim());
    // Nothing stored by a jump.
    expect((await cliJson<RunListItem[]>(['list', '--json'], { home })).map((r) => r.id)).toEqual([run.id]);
  });
});
