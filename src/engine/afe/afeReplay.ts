/**
 * The one way the AutoFix Engine runs the agent: as a branch of the failing run, replayed in the sandbox (virtual
 * fs, network kill switch), never against the user's files. Requests the recording cannot answer are answered from
 * other recorded runs of the same script, else synthesized (and counted, so a verdict can say "simulated"); only
 * `live` lets them reach the network. The branch stays in the store as the proof a person can open.
 *
 * The answers of those other runs (the fallback pool) are read once per AutoFix run and shared by all its replays
 * (root-cause forks, every candidate's validation and regression replays): the runs are finished root recordings, so
 * the pool is the same for all of them, and reading it means rebuilding every call (bodies, blobs) of up to 10 runs.
 */
import type { StoredRun } from '../store/storeTypes.js';
import { branchId, createBranch, deleteBranch, editBranch } from '../branches/branches.js';
import { replayRun, type ReplayOptions, type ReplayResult } from '../replay/replayRun.js';
import type { TraceStore } from '../store/store.js';
import { runsOfScript } from '../store/fixStore.js';
import { detectRun } from './detectRun.js';
import type { Failure } from '../../shared/afe/types.js';
import type { TapeCall } from '../../shared/trace/tape.js';
import { poolFromRuns } from '../replay/poolFromRuns.js';

/** What every AFE replay needs from its caller. */
export interface AfeReplayContext {
  store: TraceStore;
  /** The run being fixed. */
  run: StoredRun;
  env: NodeJS.ProcessEnv;
  cwd: string;
  node?: string;
  live?: boolean;
  signal?: AbortSignal;
  /** Other recorded runs of the same script, whose answers serve requests the failing run never made. */
  poolRunIds: string[];
  /** The calls of `poolRunIds` (poolFromRuns), read on the first replay that needs them and then reused. */
  pool: () => TapeCall[];
}

export interface AfeBranchRun {
  branchId: string;
  /** The branch ran to exit code 0 and detection finds no failure in it. */
  clean: boolean;
  /** The failure detected in the branch run, when it failed. */
  failure: Failure | null;
  exitCode: number | null;
  answered: { pool: number; synth: number; live: number };
  result: ReplayResult;
}

/** Other root runs of the run's script (newest first), the pool of recorded answers. */
export function poolFor(store: TraceStore, run: StoredRun, limit = 10): string[] {
  return runsOfScript(store, run.scriptPath, limit + 1)
    .filter((r) => r.id !== run.id)
    .slice(0, limit)
    .map((r) => r.id);
}

/** The replay context of one AutoFix run on `run`: its pool runs, and their calls read at most once. */
export function afeReplayContext(store: TraceStore, run: StoredRun, o: Pick<AfeReplayContext, 'env' | 'cwd' | 'node' | 'live' | 'signal'>): AfeReplayContext {
  const poolRunIds = poolFor(store, run);
  let pool: TapeCall[] | undefined;
  return { store, run, env: o.env, cwd: o.cwd, node: o.node, live: o.live, signal: o.signal, poolRunIds, pool: () => (pool ??= poolFromRuns(store, poolRunIds)) };
}

/**
 * Creates (or re-creates: a later fix attempt replaces it) the branch `<run>__<name>` at `step`, applies `edit`
 * (seq → override JSON) and runs it with `patchedFiles` served from the sandbox.
 */
export async function runAfeBranch(
  ctx: AfeReplayContext,
  o: { name: string; step: number; edit?: { seq: number; payload: unknown }; patchedFiles?: Record<string, string>; synthContent?: string },
): Promise<AfeBranchRun> {
  const { store, run } = ctx;
  const id = branchId(run.id, o.name);
  if (store.findRun(id)) deleteBranch(store, id, true);
  createBranch(store, { from: run.id, step: o.step, name: o.name });
  if (o.edit) editBranch(store, { branch: id, seq: o.edit.seq, payload: JSON.stringify(o.edit.payload) });
  const result = await replayRun({
    ...sandboxed(ctx, o.patchedFiles, o.synthContent),
    runId: run.id,
    branch: id,
    offline: !ctx.live,
  });
  const branch = store.getRun(id);
  const failure = branch.status === 'ok' && result.exit.code === 0 ? null : safeDetect(store, id);
  return {
    branchId: id,
    clean: result.exit.code === 0 && branch.status === 'ok' && failure === null,
    failure,
    exitCode: result.exit.code,
    answered: { pool: result.answered.pool, synth: result.answered.synth, live: result.answered.live },
    result,
  };
}

/** Regression replay: another recorded run of the script, offline, with the patch; not stored. */
export async function replayWithPatch(ctx: AfeReplayContext, runId: string, patchedFiles: Record<string, string>): Promise<{ ok: boolean; detail: string }> {
  const result = await replayRun({ ...sandboxed(ctx, patchedFiles), runId });
  const ok = result.exit.code === 0;
  return { ok, detail: ok ? `replayed clean (${result.outcome.kind})` : `exited with ${result.exit.code ?? result.exit.signal}` };
}

/** What every AFE replay shares: the fallback answers, the patch, the host's store/env/node, output discarded. */
function sandboxed(ctx: AfeReplayContext, patchedFiles: Record<string, string> | undefined, synthContent?: string): Omit<ReplayOptions, 'runId'> {
  const quiet = (): void => undefined;
  return {
    fallback: { pool: ctx.pool(), ...(synthContent === undefined ? {} : { synthContent }) },
    patchedFiles,
    store: ctx.store,
    env: ctx.env,
    cwd: ctx.cwd,
    node: ctx.node,
    signal: ctx.signal,
    onStdout: quiet,
    onStderr: quiet,
  };
}

function safeDetect(store: TraceStore, runId: string): Failure | null {
  try {
    return detectRun(store, runId);
  } catch {
    return null;
  }
}
