/**
 * The AutoFix acceptance run over the failing-agent corpus, one test per agent (autofixCorpus1/2.test.ts each take
 * half of the corpus, so the two halves run side by side). For each agent, copied into a fresh project folder:
 *   record it (it fails) → `fix <run> --no-ai --json` →
 *   - the failure class is the corpus class; the root cause's step is the corpus's decisive event (the nth event of
 *     its kind, seqs read from `show --json`), "confirmed" by a clean `<run>__rc-<seq>` fork where a value change fixes
 *     the run, "suspected" for tool_error (no corrected value exists for a thrown tool: the engine does not replay it),
 *     "unknown" for code_bug (no recorded input is to blame);
 *   - a candidate is fixed / fixed (simulated) where the corpus has a fix patch, a "needs you" candidate naming the step
 *     to take where it has none (quota, auth, network); the exit code says whether a candidate fixes the run;
 *   - every file of the project has the same sha256 and mtime as before, and no file appeared;
 *   - every validated candidate ran as `<run>__fix-<n>`, and `branch list` shows it and the proof branch;
 *   then, where a fresh run passes once fixed: `fix apply --yes` writes the best candidate, a fresh `record` against the
 *   same mock (the failure cause is still there) exits 0, `fix undo` restores the bytes, `fix list` follows along.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailureClass, FixCandidate, FixReport } from '../../src/shared/afe/types.js';
import { closedPortUrl, corpusEnv, type CorpusAgent } from '../agents/afe/corpus.js';
import { removeHomes, tmpHome } from '../cli/cliHarness.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { FIXING, branchIds, cli, decisiveSeq, fingerprint, fixJson, listed, newProject, record, removeProjects, type Ctx, type Project } from './autofixHarness.js';

/** What a "needs you" candidate must tell the user to do, per class without a code fix. */
const NEEDS_YOU: Partial<Record<FailureClass, (closedUrl: string) => RegExp>> = {
  quota: () => /add credit or raise the limit/,
  auth: () => /export it as GROQ_API_KEY/,
  network: (closed) => new RegExp(`Check that ${closed.replace(/\./g, '\\.')} is the right base URL and is reachable`),
};

/** The root-cause status the engine reaches for an agent (see the header comment). */
function expectedStatus(a: CorpusAgent): string {
  if (!a.decisive) return 'unknown';
  return a.class === 'tool_error' ? 'suspected' : 'confirmed';
}

/** The candidate `fix apply <fix-id>` picks: the best ranked one that changes files. */
function bestApplicable(report: FixReport): FixCandidate | undefined {
  return report.candidates.find((c) => c.files.length > 0 && c.verdict !== 'needs_you');
}

export function corpusSuite(title: string, agents: readonly CorpusAgent[]): void {
  afterAll(() => {
    removeProjects();
    removeHomes();
  });
  const mock = useMockLlm();
  let closed = '';
  let home = '';
  beforeAll(async () => {
    closed = await closedPortUrl();
    home = tmpHome();
  });

  describe(title, () => {
    for (const a of agents) {
      it(`${a.class} (${a.file})`, { timeout: 240_000 }, async () => {
        const ctx: Ctx = { home, env: corpusEnv(a, mock.url, closed) };
        const p = newProject(a);
        const rec = await record(p, ctx);
        expect(rec.exitCode, rec.r.stdout).not.toBe(0);

        // Validation never touches the user's files.
        const before = fingerprint(p.dir);
        const { report, r } = await fixJson(rec.id, p, ctx);
        expect(fingerprint(p.dir)).toEqual(before);

        expect(report.status, report.error).toBe('done');
        expect(report.failure?.class).toBe(a.class);
        expect(report.ai).toEqual({ used: false, note: 'AI off (--no-ai)' });

        // The decisive step, proven by a clean fork where a value change fixes the run.
        const rc = report.rootCause;
        expect(rc?.status).toBe(expectedStatus(a));
        const seq = a.decisive ? await decisiveSeq(rec.id, a.decisive, ctx) : undefined;
        expect(rc?.seq).toBe(seq);
        if (rc?.status === 'confirmed') expect(rc.tries.at(-1)).toMatchObject({ seq, outcome: 'clean', branchId: `${rec.id}__rc-${seq}` });
        else expect(rc?.tries.some((t) => t.outcome === 'clean')).toBe(false);

        // Candidates: a fix where the corpus has one, "needs you" with the step to take where it has none.
        const fixing = report.candidates.filter((c) => FIXING.includes(c.verdict));
        if (a.fixPatch) expect(fixing.length, JSON.stringify(report.candidates.map((c) => [c.title, c.verdict, c.verdictDetail]))).toBeGreaterThan(0);
        else {
          const needs = report.candidates.filter((c) => c.verdict === 'needs_you');
          expect(needs.length).toBeGreaterThan(0);
          expect(needs.map((c) => c.verdictDetail).join('\n')).toMatch((NEEDS_YOU[a.class] as (u: string) => RegExp)(closed));
        }
        expect(r.code).toBe(fixing.length > 0 ? 0 : 1);

        // Every validated candidate ran as a branch of the run; the proof fork is one too.
        const ids = await branchIds(rec.id, ctx);
        for (const c of report.candidates.filter((x) => x.verdict !== 'needs_you')) {
          expect(c.branchId).toBe(`${rec.id}__fix-${c.n}`);
          expect(ids).toContain(c.branchId);
        }
        if (report.candidates.some((c) => c.verdict !== 'needs_you')) expect(ids).toContain(`${rec.id}__fix-1`);
        if (rc?.status === 'confirmed') expect(ids).toContain(`${rec.id}__rc-${seq}`);

        if (!a.freshPassesAfterFix || fixing.length === 0) return;
        await applyRecordUndo(a, p, ctx, report);
      });
    }
  });
}

/** `fix apply --yes` the best candidate, record the patched agent afresh (exit 0), `fix undo` (bytes back). */
async function applyRecordUndo(a: CorpusAgent, p: Project, ctx: Ctx, report: FixReport): Promise<void> {
  const best = bestApplicable(report) as FixCandidate;
  expect(FIXING).toContain(best.verdict);
  const original = fs.readFileSync(p.file);
  const ap = await cli(['fix', 'apply', report.id, '--yes'], ctx, p.dir);
  expect(ap.code, ap.stderr).toBe(0);
  expect(ap.stdout).toContain(`Applied ${report.id}/${best.n}: wrote ${p.file}`);
  const patched = fs.readFileSync(p.file, 'utf8');
  expect(patched).not.toBe(original.toString('utf8'));
  expect(patched).toBe(best.files[0].after);
  expect((await listed(report.id, ctx)).applied).toBe(best.n);

  // The mock still fails the same way; only the patched code gets through.
  const fresh = await record(p, ctx);
  expect(fresh.exitCode, `${a.class} patched with "${best.title}":\n${fresh.r.stdout}\n${fresh.r.stderr}`).toBe(0);

  const un = await cli(['fix', 'undo', report.id], ctx, p.dir);
  expect(un.code, un.stderr).toBe(0);
  expect(fs.readFileSync(p.file).equals(original)).toBe(true);
  expect((await listed(report.id, ctx)).applied).toBeUndefined();
}
