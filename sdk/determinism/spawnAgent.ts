/**
 * Test support for the determinism, fs and console tests (not part of the SDK bundle): runs an agent in a real
 * child `node` with the built recorder preloaded (`--import <repo>/dist/sdk/register.mjs`, TypeScript agents through
 * `--import tsx` first) or without it, capturing stdout/stderr as raw bytes for byte-exact comparisons.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV } from '../../src/shared/trace/envProtocol.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REGISTER = path.join(REPO_ROOT, 'dist/sdk/register.mjs');

const created: string[] = [];

/** A fresh temporary directory, removed by cleanupTempDirs(). */
export function tempDir(prefix = 'agenttrace-det-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every directory made by tempDir()/spawnAgent() (call from afterAll). */
export function cleanupTempDirs(): void {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface SpawnedAgent {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Journal path when recorded. */
  journal?: string;
  /** The AGENTTRACE_HOME given to the recorded run. */
  home?: string;
}

export interface SpawnOptions {
  /** Preload the recorder (default true). */
  record?: boolean;
  args?: string[];
  env?: Record<string, string>;
}

/** Runs `script` (relative to the repo root or absolute) to completion. */
export function spawnAgent(script: string, opts: SpawnOptions = {}): Promise<SpawnedAgent> {
  const abs = path.isAbsolute(script) ? script : path.join(REPO_ROOT, script);
  const nodeArgs: string[] = [];
  if (/\.[mc]?ts$/.test(abs)) nodeArgs.push('--import', 'tsx');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env };
  let journal: string | undefined;
  let home: string | undefined;
  if (opts.record ?? true) {
    const dir = tempDir();
    journal = path.join(dir, 'journal.ndjson');
    home = path.join(dir, 'home');
    nodeArgs.push('--import', REGISTER);
    Object.assign(env, { [ENV.mode]: 'record', [ENV.journal]: journal, [ENV.runId]: 'x', [ENV.home]: home });
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, abs, ...(opts.args ?? [])], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err), journal, home });
    });
  });
}

/** The last stdout line parsed as JSON (the agents print their observations that way). */
export function lastJsonLine<T>(stdout: Buffer): T {
  const lines = stdout.toString('utf8').trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
