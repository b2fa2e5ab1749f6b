/**
 * Shared steps of the AutoFix integration tests (autofix*.test.ts): copy a corpus agent into a fresh project folder
 * inside the repository (so `openai` / `groq-sdk` resolve from its node_modules, and `fix apply` may write there),
 * record it through the real CLI, run `fix` and read its JSON report, and fingerprint a folder (sha256 + mtime of
 * every file) to prove that validation never touches the user's files.
 * Everything is asynchronous: the mock servers live in the test process and must keep answering while the CLI runs.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { FixReport } from '../../src/shared/afe/types.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { corpusPath, type CorpusAgent } from '../agents/afe/corpus.js';
import { REPO, cliJson, lastJsonLine, runCli, type CliResult } from '../cli/cliHarness.js';

/** Git-ignored scratch root for the projects of these tests. */
const SCRATCH = path.join(REPO, '.tmp', 'afe-tests');
const projects: string[] = [];

export interface Project {
  dir: string;
  /** The agent's file inside `dir`. */
  file: string;
}

/** A fresh project folder holding a copy of the corpus agent (and, optionally, other files). */
export function newProject(agent: CorpusAgent): Project {
  fs.mkdirSync(SCRATCH, { recursive: true });
  const dir = fs.mkdtempSync(path.join(SCRATCH, `${agent.class}-`));
  projects.push(dir);
  const file = path.join(dir, path.basename(agent.file));
  fs.copyFileSync(corpusPath(agent), file);
  return { dir, file };
}

/** Removes the project folders created by newProject (call from afterAll). */
export function removeProjects(): void {
  for (const d of projects.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export interface Ctx {
  home: string;
  env: Record<string, string>;
}

/** `agenttrace <args>` with the project as the working folder. */
export function cli(args: string[], ctx: Ctx, cwd: string = REPO, env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { home: ctx.home, cwd, env: { ...ctx.env, ...env } });
}

/** Records the project's agent; returns the run id and the recording's exit code. */
export async function record(p: Project, ctx: Ctx): Promise<{ id: string; exitCode: number | null; r: CliResult }> {
  const r = await cli(['record', p.file, '--json'], ctx, p.dir);
  const res = lastJsonLine<{ id: string; exitCode: number | null }>(r.stdout);
  expect(res.id, r.stderr).toMatch(/^[0-9a-f-]{36}$/);
  return { id: res.id, exitCode: res.exitCode, r };
}

/** `fix <run> --no-ai --json` (plus `extra`): the parsed report and the process result. */
export async function fixJson(runId: string, p: Project, ctx: Ctx, extra: string[] = ['--no-ai'], env: Record<string, string> = {}): Promise<{ report: FixReport; r: CliResult }> {
  const r = await cli(['fix', runId, '--json', ...extra], ctx, p.dir, env);
  let report: FixReport;
  try {
    report = JSON.parse(r.stdout) as FixReport;
  } catch {
    throw new Error(`fix ${runId} printed no JSON report (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { report, r };
}

/** The seq of the corpus's decisive event: the nth event of its kind in the run. */
export async function decisiveSeq(runId: string, decisive: NonNullable<CorpusAgent['decisive']>, ctx: Ctx): Promise<number> {
  const shown = await cliJson<{ events: TraceEvent[] }>(['show', runId, '--json'], { home: ctx.home });
  const ofKind = shown.events.filter((e) => e.kind === decisive.kind);
  const ev = ofKind[decisive.nth - 1];
  if (!ev) throw new Error(`run ${runId} has ${ofKind.length} ${decisive.kind} events, the corpus names the ${decisive.nth}th`);
  return ev.seq;
}

/** Every file under `dir` (relative path → sha256 and mtime in ns), to compare before and after a command. */
export function fingerprint(dir: string): Record<string, { sha256: string; mtimeNs: string }> {
  const out: Record<string, { sha256: string; mtimeNs: string }> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = { sha256: createHash('sha256').update(fs.readFileSync(full)).digest('hex'), mtimeNs: fs.statSync(full, { bigint: true }).mtimeNs.toString() };
    }
  };
  walk(dir);
  return out;
}

interface BranchNode {
  id: string;
  status: string;
  children: BranchNode[];
}

/** Ids of all the branches of a run (`branch list <run> --json`, flattened). */
export async function branchIds(runId: string, ctx: Ctx): Promise<string[]> {
  const roots = await cliJson<BranchNode[]>(['branch', 'list', runId, '--json'], { home: ctx.home });
  const ids: string[] = [];
  const walk = (n: BranchNode): void => {
    ids.push(n.id);
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  return ids;
}

/** `fix list --json` entry of one fix. */
export async function listed(fixId: string, ctx: Ctx): Promise<{ id: string; applied?: number; failureClass?: string; bestVerdict?: string }> {
  const items = await cliJson<{ id: string; applied?: number }[]>(['fix', 'list', '--json'], { home: ctx.home });
  const item = items.find((i) => i.id === fixId);
  if (!item) throw new Error(`fix list does not show ${fixId}`);
  return item;
}

export const FIXING = ['fixed', 'fixed_simulated'];

/** The printed error of a failed command: exactly one non-empty line. */
export function oneLine(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim());
  expect(lines, `stderr:\n${r.stderr}`).toHaveLength(1);
  return lines[0];
}
