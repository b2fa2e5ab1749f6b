/**
 * E2E fixture: a temporary AGENTTRACE_HOME prepared by the real CLI, and `agenttrace ui` running on it as a child
 * process. Its URL (with the per-launch token) is read from its stdout.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'bin/agenttrace.mjs');

export interface Workbench {
  home: string;
  url: string;
  origin: string;
  token: string;
  stop(): Promise<void>;
}

/** Runs the CLI synchronously against a home; throws with its stderr on failure. */
export function cli(home: string, args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, AGENTTRACE_HOME: home }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`agenttrace ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/**
 * Runs the CLI without blocking this process (needed when this process also serves the mock LLM the agent calls);
 * resolves with stdout, rejects with stderr on a non-zero exit.
 */
export function cliAsync(home: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, ...env, AGENTTRACE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`agenttrace ${args.join(' ')} failed (${code}): ${err}`))));
  });
}

export function tempHome(): string {
  return mkdtempSync(path.join(tmpdir(), 'agenttrace-e2e-'));
}

/** `env`: extra environment of the UI host, inherited by the agents it runs (branches, resumes). */
export async function startWorkbench(home: string, env: Record<string, string> = {}): Promise<Workbench> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'ui', '--port', '0'], { cwd: REPO, env: { ...process.env, ...env, AGENTTRACE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`agenttrace ui did not print its URL: ${out} ${err}`)), 15_000);
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('exit', (code) => reject(new Error(`agenttrace ui exited (${code}): ${err}`)));
  });
  const u = new URL(url);
  return {
    home,
    url,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    stop: async () => {
      // Already gone (it crashed, or was killed): waiting for its exit would hang the suite.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
