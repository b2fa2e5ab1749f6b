/**
 * Edits of values and the refusals of bad edits, through the real CLI: a random roll, a UUID and a clock value edited
 * change what the agent prints; every bad input gets one clear line on stderr and a non-zero exit, and stores nothing.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Tape } from '../../src/shared/trace/tape.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { REPO, cliEnv, removeHomes, tmpHome } from '../cli/cliHarness.js';
import { cli, recordAgent, showJson } from './branchHarness.js';

const mock = useMockLlm();
afterAll(() => {
  removeHomes();
});

const seqOf = (events: TraceEvent[], kind: string, source: string): number => {
  const ev = events.find((e) => e.kind === kind && (e.payload as { source?: string }).source === source);
  if (!ev) throw new Error(`no ${kind} ${source} event`);
  return ev.seq;
};

describe('value edits', () => {
  it('Math.random, crypto.randomUUID and Date.now edited: the branch prints the new values, from step 0 on', async () => {
    const home = tmpHome();
    const rec = await recordAgent(home, 'branch-random.mjs', {});
    const { events } = await showJson(home, rec.id);
    const roll = seqOf(events, 'random', 'Math.random');
    const uuid = seqOf(events, 'random', 'crypto.randomUUID');
    const now = seqOf(events, 'time', 'Date.now');
    const recordedRoll = Number(/^roll (\S+)$/m.exec(rec.stdout)?.[1]);
    const newRoll = recordedRoll < 0.5 ? 0.75 : 0.25;
    await cli(home, ['branch', 'create', rec.id, '--step', String(roll), '--name', 'values']);
    const b = `${rec.id}__values`;
    await cli(home, ['branch', 'edit', b, '--event', String(roll), '--payload', '{"value": 0.5}']);
    // Re-editing the same event replaces the edit.
    const re = await cli(home, ['branch', 'edit', b, '--event', String(roll), '--payload', JSON.stringify({ value: newRoll })]);
    expect(re.stdout).toMatch(/^Replaced the edit of event \d+ \(random\)/);
    await cli(home, ['branch', 'edit', b, '--event', String(uuid), '--payload', '{"value": "00000000-0000-4000-8000-000000000042"}']);
    await cli(home, ['branch', 'edit', b, '--event', String(now), '--payload', '{"value": 1767225600000}']);
    const run = await cli(home, ['replay', rec.id, '--branch', b, '--offline']);
    expect(run.stdout).toBe(`roll ${newRoll}\npath: ${newRoll < 0.5 ? 'low' : 'high'}\nid 00000000-0000-4000-8000-000000000042\nat 1767225600000\n`);
    expect(run.stderr).toMatch(/with 3 edits\n {2}every request and value was served from the recording/);
    const branch = await showJson(home, b);
    expect(branch.run.forkSeq).toBe(roll - 1);
    expect(branch.events.find((e) => e.seq === roll)?.payload).toEqual({ source: 'Math.random', value: newRoll });
    expect(Object.keys(branch.run.overrides ?? {})).toEqual([String(roll), String(uuid), String(now)]);
    const removed = await cli(home, ['branch', 'edit', b, '--event', String(now), '--remove']);
    expect(removed.stdout).toBe(`Removed the edit of event ${now} from ${b}\n`);

    // The branch's tape (what environment-variable mode fetches): branch info and the edited values.
    const tape = JSON.parse((await cli(home, ['tape', rec.id, '--branch', 'values', '--out', '-'])).stdout) as Tape;
    expect(tape.branch).toEqual({ id: b, parentId: rec.id, forkSeq: roll - 1, name: 'values' });
    expect(tape.onDivergence).toBe('live');
    expect(tape.values['Math.random'][0]).toEqual({ seq: roll, value: newRoll });
    expect(tape.values['Date.now'].find((v) => v.seq === now)?.value).not.toBe(1767225600000);
    // Environment-variable mode: the agent started by hand replays the branch, recorded into it (recovered by `list`).
    const env = { ...cliEnv(home), AGENTTRACE_MODE: 'replay', AGENTTRACE_ID: rec.id, AGENTTRACE_BRANCH: 'values' };
    const agent = spawnSync(process.execPath, ['--import', path.join(REPO, 'dist/sdk/register.mjs'), 'test/agents/branch-random.mjs'], { cwd: REPO, env, encoding: 'utf8' });
    expect(agent.status, agent.stderr).toBe(0);
    expect(agent.stdout.split('\n').slice(0, 3)).toEqual([`roll ${newRoll}`, `path: ${newRoll < 0.5 ? 'low' : 'high'}`, 'id 00000000-0000-4000-8000-000000000042']);
    await cli(home, ['list']);
    const recovered = await showJson(home, b);
    expect(recovered.run.status).toBe('ok');
    expect(recovered.events.find((e) => e.seq === roll)?.payload).toEqual({ source: 'Math.random', value: newRoll });
  });
});

describe('bad edits: one clear line, a non-zero exit, nothing stored', () => {
  it('invalid JSON, unknown event, event before the fork, kind mismatch, invalid shape, unknown branch, annotations', async () => {
    const home = tmpHome();
    const env = { MOCK_URL: mock.url };
    const rec = await recordAgent(home, 'branch-tool.mjs', env);
    const { events } = await showJson(home, rec.id);
    const tool = events.find((e) => e.kind === 'tool') as TraceEvent;
    const step = events.find((e) => e.kind === 'step') as TraceEvent;
    const llm = events.find((e) => e.kind === 'llm') as TraceEvent;
    const http = events.find((e) => e.kind === 'http') as TraceEvent;
    expect(tool.seq < llm.seq && llm.seq < step.seq && step.seq < http.seq).toBe(true);
    const console0 = events.find((e) => e.kind === 'console' && e.seq > llm.seq) as TraceEvent;
    await cli(home, ['branch', 'create', rec.id, '--step', String(tool.seq), '--name', 'bad']);
    const b = `${rec.id}__bad`;
    const before = (await cli(home, ['show', b, '--json'])).stdout;

    const cases: [string[], RegExp, number][] = [
      [['--event', String(llm.seq), '--payload', '{content: nope}'], /^agenttrace: --payload is not valid JSON: .+ \(quote it for the shell, e\.g\. --payload '\{"content": "new reply"\}'\)$/, 2],
      [['--event', '99999', '--payload', '{"content":"x"}'], new RegExp(`^agenttrace: unknown event 99999: ${rec.id}, the run ${b} branches from, has steps 0\\.\\.\\d+ \\(list its events with agenttrace show ${rec.id}\\)$`), 1],
      [['--event', String(tool.seq - 1), '--payload', '{"content":"x"}'], new RegExp(`^agenttrace: event ${tool.seq - 1} is before the fork of ${b}: the branch runs from step ${tool.seq} \\(${tool.seq - 1 === 0 ? 'step 0' : `steps 0–${tool.seq - 1}`} replayed from its parent\\) \\(.*agenttrace branch create ${rec.id} --step ${tool.seq - 1}\\)$`), 2],
      [['--event', String(http.seq), '--payload', '{"content":"x"}'], new RegExp(`^agenttrace: cannot edit event ${http.seq} \\(http\\): event ${http.seq} is an HTTP call \\(GET http://127\\.0\\.0\\.1:\\d+/health\\), not an LLM call: it has no reply to edit \\(e\\.g\\. --payload`), 2],
      [['--event', String(llm.seq), '--payload', '{"value": 3}'], new RegExp(`^agenttrace: cannot edit event ${llm.seq} \\(llm\\): event ${llm.seq} is an LLM call, not a random/time value`), 2],
      [['--event', String(llm.seq), '--payload', '{"content": ["not", "text"], "x": 1}'], /^agenttrace: cannot edit event \d+ \(llm\): "content\[0\]" must be a block like \{"type": "text", "text": "\.\.\."\} or .*, got "not" \(e\.g\. --payload/, 2],
      [['--event', String(llm.seq), '--payload', '[1, 2]'], /^agenttrace: cannot edit event \d+ \(llm\): the payload must be a JSON object, got an array/, 2],
      [['--event', String(http.seq), '--payload', '{"status": 700, "body": ""}'], /"status" must be an HTTP status code from 200 to 599, got 700/, 2],
      [['--event', String(console0.seq), '--payload', '{"value": "x"}'], new RegExp(`^agenttrace: cannot edit event ${console0.seq} \\(console\\): event ${console0.seq} is a console event, which cannot be edited \\(editable events: LLM replies`), 2],
      [['--event', String(tool.seq), '--payload', '{"content":"x"}'], new RegExp(`^agenttrace: cannot edit event ${tool.seq} \\(tool\\): event ${tool.seq} is a tool annotation \\(tool\\("think"\\)\\), not an input of the run.* \\(edit the call made inside it instead: llm event ${llm.seq} \\(e\\.g\\. --event ${llm.seq} --payload '\\{"content": "\\.\\.\\."\\}'\\)\\)$`), 2],
      [['--event', String(step.seq), '--payload', '{"status": 500, "body": "x"}'], new RegExp(`^agenttrace: cannot edit event ${step.seq} \\(step\\): event ${step.seq} is a step annotation \\(step\\("health"\\)\\).* \\(edit the call made inside it instead: http event ${http.seq} `), 2],
    ];
    for (const [args, re, code] of cases) {
      const r = await cli(home, ['branch', 'edit', b, ...args], env, false);
      expect(r.stderr.trimEnd(), args.join(' ')).toMatch(re);
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
      expect(r.code, r.stderr).toBe(code);
    }
    const unknown = await cli(home, ['branch', 'edit', `${rec.id}__nope`, '--event', String(llm.seq), '--payload', '{"content":"x"}'], env, false);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`agenttrace: no branch ${rec.id}__nope (list the branches with \`agenttrace branch list\`)\n`);
    const trace = await cli(home, ['branch', 'edit', rec.id, '--event', String(llm.seq), '--payload', '{"content":"x"}'], env, false);
    expect(trace.stderr).toBe(`agenttrace: ${rec.id} is a trace, not a branch (create a branch of it first: agenttrace branch create ${rec.id} --step N)\n`);
    const noPayload = await cli(home, ['branch', 'edit', b, '--event', '3'], env, false);
    expect(noPayload.code).toBe(2);
    expect(noPayload.stderr).toMatch(/^agenttrace: branch edit needs --payload JSON \(or --remove\)/);
    const wrongOption = await cli(home, ['branch', 'edit', b, '--event', '3', '--step', '2'], env, false);
    expect(wrongOption.stderr).toMatch(/^agenttrace: --step does not apply to branch edit \(usage: agenttrace branch edit/);
    // None of it was stored.
    expect((await cli(home, ['show', b, '--json'])).stdout).toBe(before);

    // The right edits: the HTTP result and the LLM reply inside the annotations.
    await cli(home, ['branch', 'edit', b, '--event', String(llm.seq), '--payload', '{"content": "think again"}']);
    await cli(home, ['branch', 'edit', b, '--event', String(http.seq), '--payload', '{"status": 503, "body": "maintenance"}']);
    const run = await cli(home, ['replay', rec.id, '--branch', 'bad', '--offline'], env);
    expect(run.stdout).toBe('start\nthink: think again\nhealth: 503 maintenance\n');
  });
});
