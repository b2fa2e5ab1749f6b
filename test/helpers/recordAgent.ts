/**
 * Test helper: runs an agent script in a real child `node` process, with the SDK preloaded through
 * `--import <repo>/dist/sdk/register.mjs` (record mode, journal in a temp dir) or without it (the baseline run).
 * Asynchronous on purpose: the mock LLM server lives in the test process and must keep answering meanwhile.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REGISTER = path.join(REPO_ROOT, 'dist/sdk/register.mjs');

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The journal written in record mode (undefined for a baseline run). */
  journal?: string;
}

export interface AgentRunOptions {
  /** Preload the recorder (default true). */
  record?: boolean;
  env?: Record<string, string>;
  args?: string[];
  timeoutMs?: number;
}

/** Runs `script` (absolute, or relative to the repo root); .ts/.mts/.cts agents run through tsx. */
export function runAgent(script: string, opts: AgentRunOptions = {}): Promise<AgentRun> {
  const abs = path.isAbsolute(script) ? script : path.join(REPO_ROOT, script);
  const record = opts.record ?? true;
  const nodeArgs: string[] = [];
  if (/\.[mc]?ts$/.test(abs)) nodeArgs.push('--import', 'tsx');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env };
  let journal: string | undefined;
  if (record) {
    nodeArgs.push('--import', REGISTER);
    journal = path.join(mkdtempSync(path.join(tmpdir(), 'agenttrace-net-')), 'journal.ndjson');
    Object.assign(env, { AGENTTRACE_MODE: 'record', AGENTTRACE_JOURNAL: journal, AGENTTRACE_RUN_ID: 'x', AGENTTRACE_TEST_HOOKS: '1' });
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, abs, ...(opts.args ?? [])], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, journal });
    });
  });
}
