/**
 * `agenttrace branch run <branch>…`: runs several branches at once through the pool (runPool.ts). Each branch is a
 * replay in branch mode (engine/replay, replayRun), i.e. its own agent child process with its own tape, file
 * sandbox and journal, recorded into its own branch run; this host ingests them all into the one store (SQLite
 * writes are synchronous, so concurrent ingests never interleave inside a transaction).
 * Every branch is resolved before any starts: a typo fails the whole command with nothing run.
 */
import { BadArgsError } from '../errors.js';
import { replayRun, type ReplayResult } from '../replay/replayRun.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';
import { getBranch } from './branches.js';
import { runPool, type PoolResult } from './runPool.js';

export interface RunBranchesOptions {
  /** Branch ids (or unique prefixes), in the order results are reported at the end. */
  branches: string[];
  /** Branches running at once (default: the number of cores). */
  parallel?: number;
  offline?: boolean;
  pace?: 'instant' | 'recorded';
  node?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal?: AbortSignal;
  /** One branch finished (in completion order). */
  onDone?: (r: BranchRunResult) => void;
}

export interface BranchRunResult {
  branchId: string;
  ok: boolean;
  /** The replay's result; absent when the branch could not run (the error says why). */
  result?: ReplayResult;
  error?: unknown;
  notices: string[];
  /** The agent's own output, captured (several agents at once must not interleave on the terminal). */
  stdout: string;
  stderr: string;
  ms: number;
}

/** The branches to run, checked up front (unknown id, a trace instead of a branch, the same branch twice). */
export function resolveBranches(store: TraceStore, refs: string[]): StoredRun[] {
  if (refs.length === 0) throw new BadArgsError('branch run needs at least one branch id', 'e.g. agenttrace branch run <id>__step-4 <id>__other');
  const out: StoredRun[] = [];
  for (const ref of refs) {
    const b = getBranch(store, ref);
    if (out.some((x) => x.id === b.id)) throw new BadArgsError(`branch ${b.id} is listed twice`, 'name each branch once');
    out.push(b);
  }
  // A branch whose parent is in the list too would fork from a run being replaced underneath it.
  for (const b of out) {
    if (out.some((x) => x.id === b.parentId)) throw new BadArgsError(`branch ${b.id} and its parent ${b.parentId as string} cannot run at the same time`, `run ${b.parentId as string} first, then ${b.id}`);
  }
  return out;
}

export async function runBranches(store: TraceStore, o: RunBranchesOptions): Promise<BranchRunResult[]> {
  const branches = resolveBranches(store, o.branches);
  const roots = new Map(branches.map((b) => [b.id, store.lineage(b).root.id]));
  const captured = new Map<string, { stdout: string; stderr: string; notices: string[] }>();
  const toResult = (r: PoolResult<StoredRun, ReplayResult>): BranchRunResult => {
    const out = captured.get(r.item.id) ?? { stdout: '', stderr: '', notices: [] };
    const base = { branchId: r.item.id, notices: out.notices, stdout: out.stdout, stderr: out.stderr, ms: r.ms };
    return r.ok ? { ...base, ok: succeeded(r.value), result: r.value } : { ...base, ok: false, error: r.error };
  };
  const results = await runPool(
    branches,
    (b) => {
      const out = { stdout: '', stderr: '', notices: [] as string[] };
      captured.set(b.id, out);
      return replayRun({
        runId: roots.get(b.id) as string,
        branch: b.id,
        offline: o.offline,
        pace: o.pace,
        node: o.node,
        store,
        env: o.env,
        cwd: o.cwd,
        signal: o.signal,
        onStdout: (c) => (out.stdout += c.toString('utf8')),
        onStderr: (c) => (out.stderr += c.toString('utf8')),
        onNotice: (m) => out.notices.push(m),
      });
    },
    { concurrency: o.parallel, signal: o.signal, onSettled: (r) => o.onDone?.(toResult(r)) },
  );
  return results.map(toResult);
}

/** A branch run succeeded when it ran to its end (not stopped at a divergence) and its agent exited with 0. */
export function succeeded(r: ReplayResult): boolean {
  return r.outcome.kind === 'branched' && r.exit.code === 0;
}
