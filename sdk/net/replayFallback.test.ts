/**
 * Policy `fallback` through real agent processes (the real `openai` client; recorded against the mock LLM server,
 * replayed offline): a 2-call agent patched (Tape.patchedFiles) to ask something else in call 2 stops under `stop`;
 * under `fallback` it finishes, call 2 answered by a synthesized reply (JSON and SSE) or, when another recorded run of
 * the script made that exact request, from that run (the pool). The verdict counts how requests were answered and
 * the mock server sees no request during any replay.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlmServer } from '../../test/mock/llmServer.js';
import { recordForReplay, replayNet } from '../../test/helpers/replayNetHarness.js';
import { REPO_ROOT } from '../../test/helpers/recordAgent.js';
import { EXIT_DIVERGED, type Tape } from '../../src/shared/trace/tape.js';
import type { LlmPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { SYNTH_HEADER } from './replayFallback.js';

const KEYS = { OPENAI_API_KEY: 'sk-test-fallback-0000000000000000' };
const ASKED = 'second question, asked differently';

const AGENT = `import OpenAI from 'openai';
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.MOCK_URL + '/v1', maxRetries: 0 });
const stream = process.env.AGENT_STREAM === '1';
async function ask(content) {
  const messages = [{ role: 'user', content }];
  if (!stream) return (await client.chat.completions.create({ model: 'gpt-mock', messages })).choices[0].message.content;
  let text = '';
  for await (const c of await client.chat.completions.create({ model: 'gpt-mock', messages, stream: true })) text += c.choices[0]?.delta?.content ?? '';
  return text;
}
console.log('1:', await ask('first question'));
console.log('2:', await ask(process.env.AGENT_Q2 ?? 'second question'));
`;

let mock: MockLlmServer;
let dir: string;
let script: string;
beforeAll(async () => {
  mock = await startMockLlm();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-fallback-'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  script = path.join(dir, 'agent.mjs');
  fs.writeFileSync(script, AGENT);
});
afterAll(async () => {
  await mock.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The tape of a recording with the script patched to ask ASKED in call 2. */
function patched(tape: Tape, policy: Tape['onDivergence']): Tape {
  return { ...tape, onDivergence: policy, patchedFiles: { [script]: AGENT.replace("'second question'", `'${ASKED}'`) } };
}

const llmEvents = (events: TraceEvent[]): LlmPayload[] => events.filter((e) => e.kind === 'llm').map((e) => e.payload as LlmPayload);

describe.each([
  ['JSON', {}],
  ['streamed (SSE)', { AGENT_STREAM: '1' }],
])('a patched agent whose call 2 was never recorded (%s)', (_label, extra: Record<string, string>) => {
  const env = (): Record<string, string> => ({ MOCK_URL: mock.url, ...KEYS, ...extra });

  it('policy stop: diverges at call 2 and stops', async () => {
    const rec = await recordForReplay(script, env());
    expect(rec.run.stdout).toBe('1: echo: first question\n2: echo: second question\n');
    const served = mock.requests.length;
    const r = await replayNet(script, patched(rec.tape, 'stop'), env());
    expect(r.code, r.stderr).toBe(EXIT_DIVERGED);
    expect(r.stdout).toBe('1: echo: first question\n');
    expect(r.divergence).toMatchObject({ reason: 'unmatched-request', kind: 'llm', policy: 'stop' });
    expect(mock.requests.length).toBe(served);
  });

  it('policy fallback, no pool: call 2 gets a synthesized reply (the last recorded reply of the URL), the run finishes', async () => {
    const rec = await recordForReplay(script, env());
    const served = mock.requests.length;
    const r = await replayNet(script, patched(rec.tape, 'fallback'), env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('1: echo: first question\n2: echo: second question\n');
    expect(mock.requests.length).toBe(served);
    // The first divergence is still reported, with the policy that let the replay go on.
    expect(r.divergence).toMatchObject({ reason: 'unmatched-request', kind: 'llm', policy: 'fallback' });
    expect(r.verdict?.answered).toEqual({ record: 1, pool: 0, synth: 1, live: 0 });
    const second = llmEvents(r.events)[1];
    expect(r.verdict?.fallbackAnswers).toEqual([{ seq: r.divergence!.seq, kind: 'llm', from: 'synth', content: 'echo: second question' }]);
    // The replay's journal marks the call and records the synthesized response like any other.
    expect(second.replayedFrom).toBe('synth');
    expect(second.response?.status).toBe(200);
    expect(second.response?.headers[SYNTH_HEADER]).toBe('1');
    // In the wire format the request asked for: SSE chunks for stream:true, one JSON body otherwise.
    expect((second.response?.chunks?.length ?? 0) > 0).toBe(extra.AGENT_STREAM === '1');
    expect(second.reply?.content).toBe('echo: second question');
    expect(second.messages).toEqual([{ role: 'user', content: ASKED }]);
    const end = fs.readFileSync(r.journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: string; status?: string }).find((l) => l.t === 'end');
    expect(end?.status).toBe('ok');
  });

  it('policy fallback with a host hint: the synthesized reply says the given content', async () => {
    const rec = await recordForReplay(script, env());
    const r = await replayNet(script, { ...patched(rec.tape, 'fallback'), synth: { content: 'a simulated answer' } }, env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('1: echo: first question\n2: a simulated answer\n');
    expect(r.verdict?.answered).toMatchObject({ pool: 0, synth: 1 });
  });

  it('policy fallback with a pool: call 2 is served from another run of the script that made that exact request', async () => {
    const rec = await recordForReplay(script, env());
    const other = await recordForReplay(script, { ...env(), AGENT_Q2: ASKED });
    expect(other.run.stdout).toBe(`1: echo: first question\n2: echo: ${ASKED}\n`);
    const pool = other.tape.calls.map((c) => ({ ...c, runId: 'other-run' }));
    const served = mock.requests.length;
    const r = await replayNet(script, { ...patched(rec.tape, 'fallback'), pool }, env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`1: echo: first question\n2: echo: ${ASKED}\n`);
    expect(mock.requests.length).toBe(served);
    expect(r.verdict?.answered).toEqual({ record: 1, pool: 1, synth: 0, live: 0 });
    expect(r.verdict?.fallbackAnswers).toEqual([{ seq: r.divergence!.seq, kind: 'llm', from: 'pool', runId: 'other-run', recordedSeq: pool[1].seq }]);
    expect(llmEvents(r.events)[1].replayedFrom).toBe('pool');
  });
});

describe('fallback for plain HTTP', () => {
  const HTTP_AGENT = `const base = process.env.MOCK_URL;
const r1 = await fetch(base + '/health');
console.log('health:', r1.status, await r1.text());
const r2 = await fetch(base + (process.env.AGENT_PATH ?? '/health') + '?probe=' + (process.env.AGENT_PROBE ?? '1'));
console.log('probe:', r2.status, await r2.text());
`;

  it('an unmatched GET is answered by the last recorded 2xx response of the same URL; an unknown URL stops the replay', async () => {
    const file = path.join(dir, 'http-agent.mjs');
    fs.writeFileSync(file, HTTP_AGENT);
    const env = { MOCK_URL: mock.url };
    const rec = await recordForReplay(file, env);
    expect(rec.run.stdout).toBe('health: 200 ok\nprobe: 200 ok\n');
    // A URL nothing recorded (the query is part of the URL).
    const newUrl = { ...rec.tape, onDivergence: 'fallback' as const, patchedFiles: { [file]: HTTP_AGENT.replace("'/health') + '?probe='", "'/health') + '?probe=1&again=' ") } };
    const r = await replayNet(file, newUrl, env);
    // GET /health?again=+&probe=1 was never recorded and no 2xx exists for that URL: refused, the replay stops.
    expect(r.code, r.stderr).toBe(EXIT_DIVERGED);
    expect(r.stdout).toBe('health: 200 ok\n');
    expect(r.divergence).toMatchObject({ reason: 'unmatched-request', policy: 'stop' });
    expect(r.divergence?.message).toMatch(/not in the pool, and has no recorded 2xx response/);

    // A repeated request of a recorded URL (a patched agent asks twice) is answered by that URL's recorded response.
    const twice = { ...rec.tape, onDivergence: 'fallback' as const, patchedFiles: { [file]: HTTP_AGENT + "const r3 = await fetch(base + '/health');\nconsole.log('again:', r3.status, await r3.text());\n" } };
    const t = await replayNet(file, twice, env);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toBe('health: 200 ok\nprobe: 200 ok\nagain: 200 ok\n');
    expect(t.verdict?.answered).toEqual({ record: 2, pool: 0, synth: 1, live: 0 });
    expect(t.verdict?.fallbackAnswers?.[0]).toMatchObject({ kind: 'http', from: 'synth', recordedSeq: rec.tape.calls[0].seq });
  });
});
