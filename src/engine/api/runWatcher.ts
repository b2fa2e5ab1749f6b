/**
 * Notices runs changing in the store and reports them as `runUpdated` contract events. Recordings and branch runs
 * are ingested by other processes (the CLI) into the same SQLite file; `PRAGMA data_version` changes exactly when
 * another connection committed, so an idle store costs one pragma per tick. In-process writers may call `check()`
 * right after they commit.
 */
import type { WorkbenchEvents } from '../../shared/rpc/contract.js';
import type { TraceStore } from '../store/store.js';

export type RunUpdate = WorkbenchEvents['runUpdated'];

export interface RunWatcher {
  /** Compares the store with what was last reported and reports the differences now. */
  check(): void;
  stop(): void;
}

/** Recent runs compared on each change (new recordings and branches are always the newest). */
const RECENT = 200;

export function watchRuns(store: TraceStore, onUpdate: (u: RunUpdate) => void, opts: { intervalMs?: number } = {}): RunWatcher {
  const known = new Map<string, string>();
  /** What a run looks like to the watcher: its update, and its revision (a finished run whose events changed). */
  type Seen = RunUpdate & { revision: number };
  const key = (r: Seen): string => `${r.status}:${r.steps}:${r.revision}`;
  const snapshot = (): Seen[] => {
    const seen = new Set<string>();
    const out: Seen[] = [];
    for (const r of store.runStates(RECENT)) {
      seen.add(r.id);
      out.push({ runId: r.id, status: r.status, steps: r.steps, revision: r.revision });
    }
    // A run that was running when last seen but has dropped out of the recent page still gets its final status.
    for (const [id, k] of known) {
      if (seen.has(id) || !k.startsWith('running:')) continue;
      const r = store.findRun(id);
      if (r) out.push({ runId: r.id, status: r.status, steps: r.steps, revision: store.revisionOf(r.id) });
    }
    return out;
  };
  for (const u of snapshot()) known.set(u.runId, key(u));

  let version = store.dataVersion();
  const check = (): void => {
    if (!store.open) return;
    for (const u of snapshot()) {
      const k = key(u);
      if (known.get(u.runId) === k) continue;
      known.set(u.runId, k);
      onUpdate({ runId: u.runId, status: u.status, steps: u.steps });
    }
  };
  const timer = setInterval(() => {
    try {
      if (!store.open) return;
      const v = store.dataVersion();
      if (v === version) return;
      version = v;
      check();
    } catch {
      // A busy or closing store: try again on the next tick.
    }
  }, opts.intervalMs ?? 500);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
