/**
 * The host side of fix validation: a recorded 2-call agent (real CLI, real `openai` client, the mock LLM server) is
 * run again by the engine as a branch `<run>__fix-1` forked at step 0, with its script patched to ask something else
 * in call 2 (ReplayOptions.patchedFiles) and policy fallback (ReplayOptions.fallback): offline, call 2 answered from
 * another recorded run of the script (poolFromRuns) or synthesized; the branch run is recorded in the store with the
 * answered call marked; the script on disk is byte-identical with the same mtime. A plain replay with the same patch
 * departs from the recording and runs on to its end.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBranch } from '../../src/engine/branches/branches.js';
import { poolFromRuns } from '../../src/engine/replay/poolFromRuns.js';
import { replayRun } from '../../src/engine/replay/replayRun.js';
import { verdictLines } from '../../src/engine/replay/verdictText.js';
import { openStore, type TraceStore } from '../../src/engine/store/store.js';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import type { LlmPayload } from '../../src/shared/trace/types.js';
import { startMockLlm, type MockLlmServer } from '../mock/llmServer.js';
import { REPO, cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';

const KEY = { OPENAI_API_KEY: 'sk-test-fallback-host-000000000000' };
const ASKED = 'second question, asked differently';
const AGENT = `import OpenAI from 'openai';
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.MOCK_URL + '/v1', maxRetries: 0 });
const ask = async (content) => (await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content }] })).choices[0].message.content;
console.log('1:', await ask('first question'));
console.log('2:', await ask(process.env.AGENT_Q2 ?? 'second question'));
`;
const PATCHED = AGENT.replace("'second question'", `'${ASKED}'`);

let mock: MockLlmServer;
let dir: string;
let script: string;
let home: string;
let store: TraceStore;
let runA: string;
let runB: string;

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function recordRun(env: Record<string, string>): Promise<string> {
  const before = new Set((await cliJson<RunListItem[]>(['list', '--json'], { home })).map((r) => r.id));
  const rec = await runCli(['record', script], { home, env: { MOCK_URL: mock.url, ...KEY, ...env } });
  expect(rec.code, rec.stderr).toBe(0);
  const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
  return runs.find((r) => !before.has(r.id))!.id;
}

beforeAll(async () => {
  mock = await startMockLlm();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-fallback-host-'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  script = path.join(dir, 'agent.mjs');
  fs.writeFileSync(script, AGENT);
  home = tmpHome();
  runA = await recordRun({});
  // Another run of the same script that made the patched request (the pool).
  runB = await recordRun({ AGENT_Q2: ASKED });
  store = openStore({ home, env: { ...process.env, AGENTTRACE_HOME: home } });
}, 60_000);

afterAll(async () => {
  store?.close();
  await mock.close();
  fs.rmSync(dir, { recursive: true, force: true });
  removeHomes();
});

const common = () => ({ store, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MOCK_URL: mock.url, ...KEY }, cwd: dir, patchedFiles: { [script]: PATCHED } });

describe('fix validation as a branch with patched source and fallback answers', () => {
  it('poolFromRuns gives the calls of the other run, tagged with it', () => {
    const pool = poolFromRuns(store, [runB]);
    expect(pool).toHaveLength(2);
    expect(pool.every((c) => c.runId === runB && c.response?.status === 200)).toBe(true);
  });

  it('from the pool: the branch finishes offline, call 2 answered by the other run, recorded in the store', async () => {
    const sha0 = sha(script);
    const mtime0 = fs.statSync(script).mtimeMs;
    const served = mock.requests.length;
    createBranch(store, { from: runA, step: 0, name: 'fix-1' });
    let stdout = '';
    const r = await replayRun({ runId: runA, branch: `${runA}__fix-1`, fallback: { poolRunIds: [runB] }, ...common(), onStdout: (c) => (stdout += c.toString('utf8')) });
    expect(mock.requests.length).toBe(served);
    expect(stdout).toBe(`1: echo: first question\n2: echo: ${ASKED}\n`);
    expect(r.outcome).toEqual({ kind: 'branched' });
    expect(r.exit.code).toBe(0);
    expect(r.answered).toEqual({ record: 1, pool: 1, synth: 0, live: 0 });
    expect(r.fallbackAnswers).toEqual([expect.objectContaining({ from: 'pool', runId: runB, kind: 'llm' })]);
    expect(r.verdict.divergence?.policy).toBe('fallback');
    expect(r.branch).toMatchObject({ id: `${runA}__fix-1`, status: 'ok', exitCode: 0, forkSeq: -1 });
    expect(verdictLines(r).join('\n')).toMatch(/1 request from the recording, 1 from other recorded runs \(simulated answers\)/);

    const llm = store.getEvents(`${runA}__fix-1`).filter((e) => e.kind === 'llm').map((e) => e.payload as LlmPayload);
    expect(llm.map((p) => p.replayedFrom)).toEqual([undefined, 'pool']);
    expect(llm[1].reply?.content).toBe(`echo: ${ASKED}`);
    expect(sha(script)).toBe(sha0);
    expect(fs.statSync(script).mtimeMs).toBe(mtime0);
  });

  it('synthesized: without a pool the branch (forked after step 0) gets the host-given reply', async () => {
    createBranch(store, { from: runA, step: 1, name: 'fix-2' });
    let stdout = '';
    const r = await replayRun({ runId: runA, branch: `${runA}__fix-2`, fallback: { synthContent: 'a simulated fix' }, ...common(), onStdout: (c) => (stdout += c.toString('utf8')) });
    expect(stdout).toBe('1: echo: first question\n2: a simulated fix\n');
    expect(r.outcome.kind).toBe('branched');
    expect(r.answered).toMatchObject({ pool: 0, synth: 1, live: 0 });
    expect(r.branch?.status).toBe('ok');
    const llm = store.getEvents(`${runA}__fix-2`).filter((e) => e.kind === 'llm').map((e) => e.payload as LlmPayload);
    expect(llm.at(-1)?.replayedFrom).toBe('synth');
  });

  it('a plain replay with the patch departs from the recording and runs on offline (outcome departed)', async () => {
    let stdout = '';
    const served = mock.requests.length;
    const r = await replayRun({ runId: runA, fallback: {}, ...common(), onStdout: (c) => (stdout += c.toString('utf8')) });
    expect(mock.requests.length).toBe(served);
    expect(stdout).toBe('1: echo: first question\n2: echo: second question\n');
    expect(r.outcome).toEqual({ kind: 'departed' });
    expect(r.exit.code).toBe(0);
    expect(r.answered).toEqual({ record: 1, pool: 0, synth: 1, live: 0 });
    expect(verdictLines(r)[0]).toMatch(/^Replay departed from the recording at step \d+ \(llm, unmatched-request\)/);
  });

  it('the same patch under policy stop (offline branch) diverges at call 2', async () => {
    createBranch(store, { from: runA, step: 0, name: 'fix-3' });
    const r = await replayRun({ runId: runA, branch: `${runA}__fix-3`, offline: true, ...common() });
    expect(r.outcome).toEqual({ kind: 'diverged', why: 'event' });
    expect(r.answered.synth + r.answered.pool).toBe(0);
  });
});
