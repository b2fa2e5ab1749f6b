/**
 * AutoFix benchmark (issue 10): a 50-call agent (real openai client against the mock LLM) that fails on its last
 * reply (bad_json) is recorded through the CLI, then `agenttrace fix <id> --no-ai` runs as users run it (the whole
 * CLI process: detection, counterfactual replays, candidates, sandboxed validation, ranking). Baseline in the same
 * run: one offline `agenttrace replay <id>` of the same run. Goal: fix < 5 s on a 2-core machine.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockLlm } from '../test/mock/llmServer.js';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BIN = path.join(REPO, 'bin', 'agenttrace.mjs');

export interface FixBench {
  calls: number;
  fixMs: number;
  replayMs: number;
  replays: number;
  candidates: number;
  bestVerdict: string;
  rootCause: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  // Asynchronous on purpose: the mock LLM server lives in this process.
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

export async function benchAutofix(): Promise<FixBench> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-bench-fix-'));
  // The agent lives in the repository (git-ignored .tmp/) so that `openai` resolves from node_modules.
  fs.mkdirSync(path.join(REPO, '.tmp'), { recursive: true }); // absent on a fresh clone
  const dir = fs.mkdtempSync(path.join(REPO, '.tmp', 'bench-fix-'));
  const agent = path.join(dir, 'fix-50.mjs');
  fs.copyFileSync(path.join(REPO, 'bench/agents/fix-50.mjs'), agent);
  const mock = await startMockLlm();
  const env: NodeJS.ProcessEnv = { ...process.env, AGENTTRACE_HOME: home, OPENAI_API_KEY: 'sk-bench-0000000000000000', OPENAI_BASE_URL: `${mock.url}/v1` };
  for (const k of Object.keys(env)) if (k.startsWith('AGENTTRACE_') && k !== 'AGENTTRACE_HOME') delete env[k];
  try {
    const rec = await cli(['record', agent, '--json'], env, dir);
    const id = /"id":"([^"]+)"/.exec(rec.stdout)?.[1];
    if (!id) throw new Error(`bench agent did not record: ${rec.stderr.slice(-300)}`);
    const replay = await cli(['replay', id], env, dir);
    const fix = await cli(['fix', id, '--no-ai', '--json'], env, dir);
    const report = JSON.parse(fix.stdout.trim().split('\n').pop() as string) as { replays: number; candidates: { verdict: string }[]; rootCause?: { status: string } };
    return {
      calls: 50,
      fixMs: fix.ms,
      replayMs: replay.ms,
      replays: report.replays,
      candidates: report.candidates.length,
      bestVerdict: report.candidates[0]?.verdict ?? 'none',
      rootCause: report.rootCause?.status ?? 'none',
    };
  } finally {
    await mock.close();
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
