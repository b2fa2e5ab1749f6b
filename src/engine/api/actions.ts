/**
 * The trace screen's actions over the existing engine (never a second implementation): Replay is engine/replay's
 * offline replay, Resume its resume mode, Edit & fork is engine/branches' createBranch + editBranch and then the
 * replay's branch mode, Compare is engine/runs' diffStoredRuns. Runs that take a while (resume, branch) start in the
 * background: the call returns the branch id at once, and the host reports the branch's progress as runUpdated
 * events through `onRunsChanged` (the store is written in this process, which the watcher's data_version poll does
 * not see, so it is told to look).
 */
import type { ActionsApi, EditValidation, ReplayVerdictView } from '../../shared/rpc/actionsContract.js';
import { OverrideError, normalizeOverride } from '../../shared/trace/overrides.js';
import type { Json } from '../../shared/trace/types.js';
import { branchId, createBranch, deleteBranch, editBranch } from '../branches/branches.js';
import { AtrError, BadArgsError, NotFoundError } from '../errors.js';
import { replayRun, type ReplayOptions, type ReplayResult } from '../replay/replayRun.js';
import { verdictLines } from '../replay/verdictText.js';
import { checkStep, resumeBranchId } from '../replay/tapeFromStore.js';
import { diffStoredRuns } from '../runs/diffStoredRuns.js';
import { exportForDownload } from './exportDownload.js';
import { loadPrices } from '../settings/prices.js';
import type { TraceStore } from '../store/store.js';

export interface ActionsApiOptions {
  /** A background run progressed or ended: the host compares the store again and emits runUpdated events. */
  onRunsChanged?: () => void;
  /** Base environment of the agents (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Fallback folder when a run's recorded one is gone (default process.cwd()). */
  cwd?: string;
  /** How often a background run's progress is reported (default 300 ms). */
  progressMs?: number;
}

/** Discards the agent's output: it is recorded in the run's console events, and the host's terminal is not the agent's. */
const quiet = (): void => undefined;

export function createActionsApi(store: TraceStore, opts: ActionsApiOptions = {}): ActionsApi {
  const base = (): Pick<ReplayOptions, 'store' | 'env' | 'cwd' | 'onStdout' | 'onStderr'> => ({ store, env: opts.env ?? process.env, cwd: opts.cwd ?? process.cwd(), onStdout: quiet, onStderr: quiet });
  const changed = (): void => {
    try {
      opts.onRunsChanged?.();
    } catch {
      // Reporting progress must never break the run it reports on.
    }
  };
  /** Runs `job` in the background, reporting progress on a timer and once more when it ends. */
  const background = (job: () => Promise<ReplayResult>): void => {
    const timer = setInterval(changed, opts.progressMs ?? 300);
    timer.unref();
    void job()
      .catch(() => undefined) // the branch keeps the status the engine gave it (pending when it never started)
      .finally(() => {
        clearInterval(timer);
        changed();
      });
  };

  return {
    replayRun: async ({ runId: id }) => {
      const result = await replayRun({ ...base(), runId: id });
      return verdictView(result);
    },

    resumeFrom: async ({ runId: id, step }) => {
      const run = store.getRun(store.resolveRunId(id));
      checkStep(run, step);
      background(() => replayRun({ ...base(), runId: run.id, step }));
      return { branchId: resumeBranchId(run.id, step), status: 'running' };
    },

    validateEdit: async ({ runId: id, seq: at, payload }) => {
      const run = store.getRun(store.resolveRunId(id));
      const event = store.lineage(run).eventAt(at);
      if (!event) throw new NotFoundError(`unknown event ${at}: run ${run.id} has ${run.steps} steps`, 'pick a step of the timeline');
      return validate(event, payload);
    },

    createBranchAndRun: async ({ runId: id, step, name, edits }) => {
      const parent = store.getRun(store.resolveRunId(id));
      const branch = createBranch(store, { from: parent.id, step, name: name ?? freeName(store, parent.id, `edit-${step}`) });
      try {
        for (const e of edits) editBranch(store, { branch: branch.id, seq: e.seq, payload: JSON.stringify(e.payload) });
      } catch (e) {
        // A bad edit leaves nothing behind: the branch exists only with all its edits.
        deleteBranch(store, branch.id, true);
        throw e;
      }
      changed();
      background(() => replayRun({ ...base(), runId: store.lineage(branch).root.id, branch: branch.id }));
      return { branchId: branch.id };
    },

    runBranch: async ({ runId: id }) => {
      const branch = store.getRun(store.resolveRunId(id));
      if (branch.parentId === undefined) throw new BadArgsError(`run ${branch.id} is a trace, not a branch`, 'replay it with Replay, or branch it with Edit & fork');
      if (branch.status === 'running') throw new BadArgsError(`branch ${branch.id} is already running`, 'wait for it to finish');
      background(() => replayRun({ ...base(), runId: store.lineage(branch).root.id, branch: branch.id }));
      return { branchId: branch.id };
    },

    deleteBranch: async ({ runId: id, recursive }) => {
      const branch = store.getRun(store.resolveRunId(id));
      if (branch.parentId === undefined) throw new BadArgsError(`run ${branch.id} is a trace, not a branch`, 'delete traces with the CLI');
      const deleted = deleteBranch(store, branch.id, Boolean(recursive));
      changed();
      return { deleted, parentId: branch.parentId };
    },

    diffRuns: async ({ a, b }) => diffStoredRuns(store, a, b, { prices: loadPrices(store.home).table }),

    exportRun: async ({ runId: id, only }) => exportForDownload(store, store.resolveRunId(id), Boolean(only), opts.env ?? process.env),
  };
}

/** The first `<prefix>`, `<prefix>-2`, … that is not a branch of `parentId` yet (Edit & fork never asks for a name). */
function freeName(store: TraceStore, parentId: string, prefix: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? prefix : `${prefix}-${i}`;
    if (!store.findRun(branchId(parentId, name))) return name;
  }
}

function validate(event: Parameters<typeof normalizeOverride>[0], payload: Json): EditValidation {
  try {
    return { ok: true, normalized: normalizeOverride(event, payload) as unknown as Json };
  } catch (e) {
    if (e instanceof OverrideError) return { ok: false, error: e.message, hint: e.hint };
    if (e instanceof AtrError) return { ok: false, error: e.message, hint: e.hint };
    throw e;
  }
}

function verdictView(r: ReplayResult): ReplayVerdictView {
  const v = r.verdict;
  const view: ReplayVerdictView = {
    runId: r.runId,
    identical: r.outcome.kind === 'verified',
    matched: v.matched,
    recordedSteps: v.recordedSteps,
    replayedSteps: v.replayedSteps,
    stdoutIdentical: v.stdoutIdentical,
    outcome: r.outcome.kind,
    lines: verdictLines(r),
  };
  if (v.divergence) view.divergence = v.divergence;
  if (v.state) view.state = v.state;
  if (r.stdoutDiff) view.stdoutDiff = r.stdoutDiff;
  return view;
}
