/**
 * The fallback pool of an AutoFix run is read once and shared by all its replays. Through the real pipeline (runFix
 * in this process: the engine replays the agent as child processes with the built SDK, against the mock LLM server),
 * on the bad_json corpus agent with three recordings of its script: a fixed one that asked for JSON mode and passed,
 * and two failing ones. Fixing the newest failing run tries a root-cause fork, validates two candidates and replays
 * the passing recording with each fixing patch; poolFromRuns (counted by a spy around the real function) runs once.
 *
 * The same fix with the pool read again for every replay (what validation did before) reads it once per replay and
 * reaches the same report: root cause, verdicts, answer counts and regression results. One candidate (JSON mode)
 * asks what only the fixed recording asked, so a verdict depends on the shared pool actually reaching the replays.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runFix } from '../../src/engine/afe/autofix.js';
import { poolFromRuns } from '../../src/engine/replay/poolFromRuns.js';
import { openStore, type TraceStore } from '../../src/engine/store/store.js';
import type { FixReport } from '../../src/shared/afe/types.js';
import { CORPUS, closedPortUrl, corpusEnv, type CorpusAgent } from '../agents/afe/corpus.js';
import { removeHomes, tmpHome } from '../cli/cliHarness.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { newProject, record, removeProjects, type Ctx, type Project } from './autofixHarness.js';

vi.mock('../../src/engine/replay/poolFromRuns.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/engine/replay/poolFromRuns.js')>();
  return { poolFromRuns: vi.fn(real.poolFromRuns) };
});

/** When set, every replay of a fix reads the pool again (the behaviour before the pool was shared). */
const mode = vi.hoisted(() => ({ perReplay: false }));
vi.mock('../../src/engine/afe/afeReplay.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/engine/afe/afeReplay.js')>();
  const { poolFromRuns: build } = await import('../../src/engine/replay/poolFromRuns.js');
  return {
    ...real,
    afeReplayContext: (...args: Parameters<typeof real.afeReplayContext>) => {
      const ctx = real.afeReplayContext(...args);
      return mode.perReplay ? { ...ctx, pool: () => build(ctx.store, ctx.poolRunIds) } : ctx;
    },
  };
});

const agent = CORPUS.find((a) => a.class === 'bad_json') as CorpusAgent;
const mock = useMockLlm();
let ctx: Ctx;
let p: Project;
let store: TraceStore;
let fixedRun = '';
let olderFailing = '';
let failing = '';

afterAll(() => {
  store?.close();
  removeProjects();
  removeHomes();
});

beforeAll(async () => {
  ctx = { home: tmpHome(), env: corpusEnv(agent, mock.url, await closedPortUrl()) };
  p = newProject(agent);
  const original = fs.readFileSync(p.file, 'utf8');
  const patch = agent.fixPatch as NonNullable<CorpusAgent['fixPatch']>;
  fs.writeFileSync(p.file, original.replace(patch.find, patch.replace));
  const fixed = await record(p, ctx);
  expect(fixed.exitCode, fixed.r.stderr).toBe(0);
  fs.writeFileSync(p.file, original);
  const older = await record(p, ctx);
  const newest = await record(p, ctx);
  expect([older.exitCode, newest.exitCode]).toEqual([1, 1]);
  [fixedRun, olderFailing, failing] = [fixed.id, older.id, newest.id];
  store = openStore({ home: ctx.home, env: { ...process.env, AGENTTRACE_HOME: ctx.home } });
}, 120_000);

async function fix(): Promise<FixReport> {
  vi.mocked(poolFromRuns).mockClear();
  return runFix({ store, runId: failing, ai: { enabled: false }, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...ctx.env }, cwd: p.dir });
}

/** What validation and root cause concluded, without ids and times that differ between two fixes. */
function outcome(r: FixReport): unknown {
  return {
    rootCause: { status: r.rootCause?.status, seq: r.rootCause?.seq, tries: r.rootCause?.tries.length },
    candidates: r.candidates.map((c) => ({ title: c.title, verdict: c.verdict, detail: c.verdictDetail, answered: c.answered, regression: c.regression, branchId: c.branchId })),
    replays: r.replays,
  };
}

describe('the fallback pool of an AutoFix run', () => {
  it('is read once for all the replays of the run, and the verdicts are those of reading it per replay', { timeout: 240_000 }, async () => {
    const shared = await fix();
    expect(shared.status, shared.error).toBe('done');
    const validated = shared.candidates.filter((c) => c.branchId);
    expect(validated.length).toBeGreaterThanOrEqual(2);
    // Root-cause forks, each candidate's branch and its regression replays: many replays, one read of the pool.
    expect(shared.replays).toBeGreaterThan(validated.length);
    expect(validated.some((c) => (c.regression?.length ?? 0) > 0)).toBe(true);
    const reads = vi.mocked(poolFromRuns).mock.calls;
    expect(reads.map(([, runIds]) => runIds)).toEqual([[olderFailing, fixedRun]]);
    expect(reads[0][0]).toBe(store);
    // JSON mode asks what only the passing recording asked: answered from the pool, so a real fix, not simulated.
    const jsonMode = validated.find((c) => /JSON mode/.test(c.title));
    expect(jsonMode?.answered?.pool, JSON.stringify(jsonMode)).toBeGreaterThan(0);
    expect(jsonMode?.verdict).toBe('fixed');

    mode.perReplay = true;
    try {
      const perReplay = await fix();
      expect(vi.mocked(poolFromRuns).mock.calls).toHaveLength(perReplay.replays);
      expect(outcome(perReplay)).toEqual(outcome(shared));
    } finally {
      mode.perReplay = false;
    }
  });
});
