/**
 * `agenttrace fix` around its report, through the real CLI against the mock LLM server: `fix apply` refuses a file
 * changed since the fix and refuses to write without --yes when nobody can answer; a run that did not fail has nothing
 * to fix; unknown ids give one line and a non-zero exit; auto-apply happens only with the project's policy file AND a
 * "fixed" verdict scoring >= 0.9 (a score the schema_mismatch fix reaches once the store's history holds two kept fixes
 * of its class and strategy).
 * The corpus-wide acceptance (class, decisive step, verdicts, untouched files, apply/undo) is autofixCorpus*.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorpusAgent } from '../agents/afe/corpus.js';
import { CORPUS, closedPortUrl, corpusEnv } from '../agents/afe/corpus.js';
import { removeHomes, tmpHome } from '../cli/cliHarness.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { cli, fingerprint, fixJson, listed, newProject, oneLine, record, removeProjects, type Ctx, type Project } from './autofixHarness.js';

afterAll(() => {
  removeProjects();
  removeHomes();
});
const mock = useMockLlm();
const agent = CORPUS.find((a) => a.class === 'schema_mismatch') as CorpusAgent;
let closed = '';
beforeAll(async () => {
  closed = await closedPortUrl();
});
const newCtx = (): Ctx => ({ home: tmpHome(), env: corpusEnv(agent, mock.url, closed) });

/** A project with the failing agent, recorded and fixed. */
async function fixedProject(ctx: Ctx, policy?: unknown): Promise<{ p: Project; runId: string; report: Awaited<ReturnType<typeof fixJson>>['report']; stderr: string }> {
  const p = newProject(agent);
  if (policy !== undefined) {
    fs.mkdirSync(path.join(p.dir, '.agenttrace'));
    fs.writeFileSync(path.join(p.dir, '.agenttrace', 'autofix.json'), JSON.stringify(policy));
  }
  const rec = await record(p, ctx);
  expect(rec.exitCode).toBe(1);
  const { report, r } = await fixJson(rec.id, p, ctx);
  expect(r.code, r.stderr).toBe(0);
  expect(report.candidates[0].verdict).toBe('fixed');
  return { p, runId: rec.id, report, stderr: r.stderr };
}

describe('fix apply refuses what it cannot do safely', () => {
  it('refuses a file changed since the fix, in one line, and leaves the edit alone; refuses without --yes when nobody can answer', { timeout: 120_000 }, async () => {
    const ctx = newCtx();
    const { p, report } = await fixedProject(ctx);
    const original = fs.readFileSync(p.file);

    // No TTY on stdin (the harness spawns with stdin ignored): no --yes means no write.
    const ask = await cli(['fix', 'apply', report.id], ctx, p.dir);
    expect(ask.code).not.toBe(0);
    expect(oneLine(ask)).toMatch(/^agenttrace: fix apply needs a confirmation \(pass --yes to write .*schema-mismatch\.mjs\)$/);
    expect(ask.stdout).toContain(report.candidates[0].files[0].diff.split('\n')[0]);
    expect(fs.readFileSync(p.file).equals(original)).toBe(true);

    const edited = `${original.toString('utf8')}// my own edit after the fix\n`;
    fs.writeFileSync(p.file, edited);
    const stale = await cli(['fix', 'apply', report.id, '--yes'], ctx, p.dir);
    expect(stale.code).not.toBe(0);
    expect(oneLine(stale)).toMatch(/schema-mismatch\.mjs changed since the fix was computed/);
    expect(fs.readFileSync(p.file, 'utf8')).toBe(edited);
    expect((await listed(report.id, ctx)).applied).toBeUndefined();
  });
});

describe('a run that did not fail', () => {
  it('has nothing to fix: fix says so and exits 0', { timeout: 60_000 }, async () => {
    const ctx = newCtx();
    const p = newProject(agent);
    const fixPatch = agent.fixPatch as NonNullable<CorpusAgent['fixPatch']>;
    fs.writeFileSync(p.file, fs.readFileSync(p.file, 'utf8').replace(fixPatch.find, fixPatch.replace));
    const rec = await record(p, ctx);
    expect(rec.exitCode, rec.r.stderr).toBe(0);
    const r = await cli(['fix', rec.id, '--no-ai'], ctx, p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Run ${rec.id} did not fail: nothing to fix.\n`);
    const { report, r: rj } = await fixJson(rec.id, p, ctx);
    expect(rj.code).toBe(0);
    expect(report).toMatchObject({ runId: rec.id, status: 'no_failure', candidates: [] });
  });
});

describe('bad input', () => {
  it('an unknown run or fix id gives one line and a non-zero exit', { timeout: 60_000 }, async () => {
    const ctx = newCtx();
    const cases: [string[], RegExp][] = [
      [['fix', 'no-such-run', '--no-ai'], /^agenttrace: no run with id no-such-run /],
      [['fix', 'show', 'fix-0000000000'], /^agenttrace: no fix with id fix-0000000000 /],
      [['fix', 'apply', 'fix-0000000000', '--yes'], /^agenttrace: no fix with id fix-0000000000 /],
      [['fix', 'undo', 'fix-0000000000'], /^agenttrace: no fix with id fix-0000000000 /],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args, ctx);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(oneLine(r)).toMatch(re);
      expect(r.stdout).toBe('');
    }
  });
});

describe('auto-apply', () => {
  it('writes the best fix only with the policy file, a "fixed" verdict and a score >= 0.9', { timeout: 480_000 }, async () => {
    const ctx = newCtx();
    const policy = { autoApply: true };

    // First fix of its kind: history 0.5, the best candidate scores below 0.9, so even the policy does not apply it.
    const first = await fixedProject(ctx, policy);
    expect(first.report.candidates[0].score.total).toBeLessThan(0.9);
    expect(first.report.applied).toBeUndefined();
    expect(fs.readFileSync(first.p.file, 'utf8')).toBe(first.report.candidates[0].files[0].before);
    // Two kept applies of this class and strategy raise its history factor (kept+1)/(applied+2) to 0.75.
    const a1 = await cli(['fix', 'apply', first.report.id, '--yes'], ctx, first.p.dir);
    expect(a1.code, a1.stderr).toBe(0);
    const second = await fixedProject(ctx);
    const a2 = await cli(['fix', 'apply', second.report.id, '--yes'], ctx, second.p.dir);
    expect(a2.code, a2.stderr).toBe(0);

    // With the policy: applied by `fix` itself.
    const auto = await fixedProject(ctx, policy);
    const best = auto.report.candidates[0];
    expect(best.score.history).toBe(0.75);
    expect(best.score.total).toBeGreaterThanOrEqual(0.9);
    expect(auto.report.applied).toMatchObject({ n: best.n, files: [auto.p.file] });
    expect(auto.stderr).toContain(`auto-applied candidate ${best.n}`);
    expect(fs.readFileSync(auto.p.file, 'utf8')).toBe(best.files[0].after);
    expect((await listed(auto.report.id, ctx)).applied).toBe(best.n);
    const fresh = await record(auto.p, ctx);
    expect(fresh.exitCode).toBe(0);

    // Without the policy file: the same verdict and a score as high, and nothing is written.
    const p = newProject(agent);
    const rec = await record(p, ctx);
    const before = fingerprint(p.dir);
    const { report, r } = await fixJson(rec.id, p, ctx);
    expect(r.code).toBe(0);
    expect(report.candidates[0].verdict).toBe('fixed');
    expect(report.candidates[0].score.total).toBeGreaterThanOrEqual(0.9);
    expect(report.applied).toBeUndefined();
    expect(r.stderr).not.toContain('auto-applied');
    expect(fingerprint(p.dir)).toEqual(before);
    expect((await listed(report.id, ctx)).applied).toBeUndefined();
  });
});
