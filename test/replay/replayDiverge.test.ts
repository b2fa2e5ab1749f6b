/**
 * Divergence and crashed traces through the real binary: an agent edited after recording yields a divergence report
 * naming the right step and field and exit code 3; a trace whose agent was SIGKILLed replays up to the crash.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import type { ConsolePayload, TraceEvent } from '../../src/shared/trace/types.js';
import { startMockLlm } from '../mock/llmServer.js';
import { AGENTS, REPO, cliJson, removeHomes, runCli, startCli, tmpHome } from '../cli/cliHarness.js';

afterAll(removeHomes);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of an agent in its own folder, with the repo's node_modules linked in so `openai` resolves. */
function agentCopy(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-replay-edit-'));
  dirs.push(dir);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const file = path.join(dir, name);
  fs.copyFileSync(path.join(AGENTS, name), file);
  return file;
}

const KEY = { OPENAI_API_KEY: 'sk-test-divergence-0000000000' };

describe('replay of an edited script', () => {
  it('says the script changed, then reports the first diverging LLM call with the differing field; exit 3', async () => {
    const home = tmpHome();
    const script = agentCopy('host-replay-bench.mjs');
    const mock = await startMockLlm();
    const rec = await runCli(['record', script, '--', '3'], { home, env: { MOCK_URL: mock.url, ...KEY } });
    await mock.close();
    expect(rec.code, rec.stderr).toBe(0);
    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    const { events } = await cliJson<{ events: TraceEvent[] }>(['show', run.id, '--json', '--kind', 'llm'], { home });
    expect(events).toHaveLength(3);

    // Unchanged, it verifies; edit the prompt of the second call only.
    const same = await runCli(['replay', run.id], { home, env: { MOCK_URL: mock.url, ...KEY } });
    expect(same.stderr).toMatch(/^Replay verified: output identical/m);
    const src = fs.readFileSync(script, 'utf8');
    fs.writeFileSync(script, src.replace('content: `turn ${i} after', 'content: i === 1 ? `round ${i} after ${last.slice(-24)}` : `turn ${i} after'));

    const rep = await runCli(['replay', run.id.slice(0, 8)], { home, env: { MOCK_URL: mock.url, ...KEY } });
    expect(rep.code, rep.stderr).toBe(3);
    const lines = rep.stderr.split('\n');
    expect(lines[0]).toMatch(/^agenttrace: script changed since recording \(sha256 [0-9a-f]{12} → [0-9a-f]{12}\); replaying anyway$/);
    const second = events[1].seq;
    expect(rep.stderr).toMatch(new RegExp(`^Replay diverged at step ${second} \\(llm, unmatched-request\\): `, 'm'));
    const field = lines.find((l) => l.startsWith('  body.messages.0.content: '));
    expect(field, rep.stderr).toBeDefined();
    expect(field).toContain('"turn 1 after');
    expect(field).toContain('"round 1 after');
    expect(rep.stderr).toMatch(/expected \(recorded\): POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions/);
    // The output before the divergence is the recording's; nothing after it was produced.
    expect(rep.stdout).toBe('');

    const json = await runCli(['replay', run.id, '--json'], { home, env: { MOCK_URL: mock.url, ...KEY } });
    expect(json.code).toBe(3);
    const verdict = JSON.parse(json.stdout.trim().split('\n').pop()!) as { identical: boolean; outcome: { kind: string }; divergence: { seq: number; diff: { path: string }[] } };
    expect(verdict).toMatchObject({ identical: false, outcome: { kind: 'diverged' }, divergence: { seq: second } });
    expect(verdict.divergence.diff.map((d) => d.path)).toContain('body.messages.0.content');
  });
});

describe('replay of a crashed trace', () => {
  it('replays up to the crash and says so', async () => {
    const home = tmpHome();
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atr-replay-pid-')), 'pid');
    dirs.push(path.dirname(pidFile));
    const rec = startCli(['record', 'test/agents/host-replay-loop.mjs'], { home, env: { AGENT_PID_FILE: pidFile } });
    await rec.waitFor(/^tick 12 /m);
    process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGKILL');
    const recorded = await rec.done;
    expect(recorded.code).toBe(137);
    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(run.status).toBe('crashed');

    const rep = await runCli(['replay', run.id], { home });
    expect(rep.stderr).toMatch(new RegExp(`^agenttrace: the recorded run crashed \\(SIGKILL\\) after step ${run.steps - 1}: replaying up to the crash$`, 'm'));
    expect(rep.stderr).toMatch(new RegExp(`^Replay verified up to the crash: ${run.steps} events matched; the recording ended after step ${run.steps - 1}`, 'm'));
    // Everything the trace holds up to the crash is printed again, and nothing after it: the replay stops at the
    // first event past the recorded end (a tick the agent printed just before SIGKILL may not have reached the trace).
    const { events } = await cliJson<{ events: TraceEvent[] }>(['show', run.id, '--json', '--kind', 'console'], { home });
    const traced = events.map((e) => (e.payload as ConsolePayload).text).join('');
    expect(traced.length).toBeGreaterThan(0);
    expect(rep.stdout).toBe(traced);
    expect(recorded.stdout.startsWith(traced)).toBe(true);
    expect(rep.code, rep.stderr).toBe(0);
  });
});
