/**
 * Runs the real `agenttrace` binary (bin/agenttrace.mjs -> dist/cli/main.mjs, built by globalSetup) in a child
 * process with AGENTTRACE_HOME pointing at a throwaway folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO, 'bin', 'agenttrace.mjs');
export const AGENTS = path.join(REPO, 'test', 'agents');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const homes: string[] = [];

export function tmpHome(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-cli-'));
  homes.push(dir);
  return dir;
}

/** Removes the homes created by tmpHome (call from afterAll). */
export function removeHomes(): void {
  for (const d of homes.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The test runner's own settings must not leak into the agent under test.
  for (const k of Object.keys(env)) if (k.startsWith('AGENTTRACE_')) delete env[k];
  delete env.NODE_OPTIONS;
  return { ...env, AGENTTRACE_HOME: home, ...extra };
}

export interface Running {
  child: ChildProcess;
  /** stdout so far. */
  out(): string;
  err(): string;
  /** Resolves when stdout matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when stdio closed (an orphaned agent holding stdout delays this; use `exited` for a killed CLI). */
  done: Promise<CliResult>;
  /** Resolves when the CLI process itself exited. */
  exited: Promise<void>;
}

export function startCli(args: string[], opts: { home: string; cwd?: string; env?: Record<string, string>; detached?: boolean }): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? REPO, env: cliEnv(opts.home, opts.env), stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached });
  let stdout = '';
  let stderr = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    for (const w of [...waiters]) {
      const m = stdout.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const done = new Promise<CliResult>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    exited,
    out: () => stdout,
    err: () => stderr,
    done,
    waitFor(re, timeoutMs = 15_000) {
      const m = stdout.match(re);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in stdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
        waiters.push({ re, resolve: (x) => (clearTimeout(t), resolve(x)) });
        void done.then(() => setTimeout(() => reject(new Error(`process ended before ${re} appeared:\n${stdout}\nstderr:\n${stderr}`)), 50));
      });
    },
  };
}

export function runCli(args: string[], opts: { home: string; cwd?: string; env?: Record<string, string> }): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** Runs the CLI and parses its stdout as one JSON document (fails the test with the stderr otherwise). */
export async function cliJson<T>(args: string[], opts: { home: string }): Promise<T> {
  const r = await runCli(args, opts);
  if (r.code !== 0) throw new Error(`agenttrace ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Last non-empty stdout line parsed as JSON (record --json prints it after the agent's own output). */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
