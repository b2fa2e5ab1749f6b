/**
 * Replay through the real binary: every agent of the recording tests (openai v6/v4, groq-sdk v1/v0, anthropic; ESM,
 * CJS, TypeScript; concurrent calls and streams; randomness and clocks; tracked state; file writes) is recorded with
 * `agenttrace record`, the mock LLM server is stopped, and `agenttrace replay` must print the same stdout byte for
 * byte, then the verdict line, and exit 0.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import { startMockLlm } from '../mock/llmServer.js';
import { cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';

afterAll(removeHomes);

const KEYS = { OPENAI_API_KEY: 'sk-test-AAAA1111BBBB2222CCCC', GROQ_API_KEY: 'gsk_testAAAA1111BBBB2222CCCC', ANTHROPIC_API_KEY: 'sk-ant-test-AAAA1111BBBB2222' };
const VERIFIED = /^Replay verified: output identical \((\d+) events matched\)$/m;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-replay-e2e-'));
  dirs.push(d);
  return d;
}

/** sha256 over every file path and content below dir (directories included), sorted. */
export function treeHash(dir: string): string {
  const h = crypto.createHash('sha256');
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      h.update(`${path.relative(dir, p)}\0${st.isDirectory() ? 'dir' : st.size}\0`);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) h.update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

describe.each([
  ['openai v6, ESM, concurrent + stream', 'test/agents/net-openai-v6.mjs'],
  ['openai v4, CJS (http.request)', 'test/agents/net-openai-v4.cjs'],
  ['groq-sdk v1, TypeScript, stream', 'test/agents/net-groq.ts'],
  ['groq-sdk v0, CJS', 'test/agents/net-groq-v0.cjs'],
  ['@anthropic-ai/sdk, ESM', 'test/agents/net-anthropic.mjs'],
  ['randomness and clocks, ESM', 'test/agents/det-esm.mjs'],
  ['randomness and clocks, CJS', 'test/agents/det-cjs.cjs'],
  ['randomness and clocks, TypeScript', 'test/agents/det-ts.ts'],
  ['timers, fs reads, one clock value', 'test/agents/det-quiet.mjs'],
  ['tracked state, keyframes, a file write', 'test/agents/state-track.mjs'],
  ['steps, tools, snapshots, locals', 'test/agents/state-steps.mjs'],
  ['locals at LLM calls, concurrent', 'test/agents/state-llm.mjs'],
  ['tracked state, TypeScript', 'test/agents/state-ts.ts'],
])('replay: %s', (_label, script) => {
  it('prints the recorded stdout byte for byte with the mock server stopped, then the verdict', async () => {
    const home = tmpHome();
    const out = tmpDir();
    const mock = await startMockLlm({ chunkDelayMs: 5 });
    const env = { MOCK_URL: mock.url, MOCK_LLM_URL: mock.url, AGENT_OUT_DIR: out, ...KEYS };
    const rec = await runCli(['record', script], { home, env });
    await mock.close();
    expect(rec.stderr).toMatch(/Trace recorded/);
    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    const served = mock.requests.length;

    const rep = await runCli(['replay', run.id], { home, env });
    expect(rep.stderr).toMatch(VERIFIED);
    expect(rep.stdout).toBe(rec.stdout);
    expect(Number(VERIFIED.exec(rep.stderr)![1])).toBe(run.steps);
    expect(rep.code, rep.stderr).toBe(0);
    expect(mock.requests.length).toBe(served);
    // Nothing new in the store: a replay is not a run.
    expect((await cliJson<RunListItem[]>(['list', '--json'], { home })).map((r) => r.id)).toEqual([run.id]);
  });
});

describe('replay: file writes', () => {
  it('fs-ops replays identically and leaves the folder it wrote into untouched', async () => {
    const home = tmpHome();
    const dir = tmpDir();
    const rec = await runCli(['record', 'test/agents/fs-ops.mjs', '--', dir], { home, env: KEYS });
    expect(rec.code, rec.stderr).toBe(0);
    // Start the replay from the state the recording started from (an empty folder), and hash it.
    for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'untouched\n');
    const before = treeHash(dir);
    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    const rep = await runCli(['replay', run.id], { home, env: KEYS });
    expect(rep.stderr).toMatch(VERIFIED);
    expect(rep.stdout).toBe(rec.stdout);
    expect(rep.code).toBe(0);
    expect(treeHash(dir)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['keep.txt']);
  });
});
