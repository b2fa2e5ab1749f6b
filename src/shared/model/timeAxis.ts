/**
 * One time axis for a run's timeline. A branch shows its ancestors' steps up to its fork, recorded by them at their
 * times, then its own steps, recorded by its own process: timing each part from the start of the run that recorded
 * it made the clock jump back at every fork (step 14 at +241ms, step 15 at +211ms: the branch's process started
 * later and replayed the inherited steps in no time). Here each own part continues from where the inherited part
 * ended: its first step sits at the offset of the last step before the fork, and later steps keep their real
 * spacing. Offsets within one recording are the recorder's (its wall clock read at each event). Pure.
 */
import type { LineageRun } from './runLineage.js';

export interface TimedRow {
  seq: number;
  ts: number;
}

/** The runs from the root down to `runId` (empty when runId is unknown; stops at a missing ancestor). */
export function lineageChain(runs: readonly LineageRun[], runId: string): LineageRun[] {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const up: LineageRun[] = [];
  for (let r = byId.get(runId); r && up.length <= runs.length; r = r.parentId === undefined ? undefined : byId.get(r.parentId)) up.push(r);
  return up.reverse();
}

/**
 * seq → the origin its `ts` is measured from, so that offsets (ts - origin) never go back across a fork.
 * `rows` are the timeline's rows in seq order (the first row after each fork places that part); `fallback` is used
 * while the tree is unknown.
 */
export function timelineOrigins(runs: readonly LineageRun[], runId: string, rows: readonly TimedRow[], fallback: number): (seq: number) => number {
  const chain = lineageChain(runs, runId);
  if (chain.length === 0) return () => fallback;
  // Part k holds the seqs after chain[k].forkSeq (root: all) up to chain[k+1].forkSeq (inclusive).
  const lastSeq = chain.map((_, k) => (k + 1 < chain.length ? (chain[k + 1].forkSeq ?? Infinity) : Infinity));
  const origins: number[] = [];
  let k = 0;
  let prevLast: TimedRow | undefined;
  let partFirst: TimedRow | undefined;
  const close = (): void => {
    // A part placed after the previous one's last row; the root (or a part with nothing before it) from its own start.
    origins[k] = partFirst && prevLast && k > 0 ? partFirst.ts - (prevLast.ts - origins[k - 1]) : chain[k].startedAt;
  };
  let lastOfPart: TimedRow | undefined;
  for (const r of rows) {
    while (k < chain.length - 1 && r.seq > lastSeq[k]) {
      close();
      if (lastOfPart) prevLast = lastOfPart;
      lastOfPart = undefined;
      partFirst = undefined;
      k++;
    }
    partFirst ??= r;
    lastOfPart = r;
  }
  while (k < chain.length) {
    close();
    if (lastOfPart) prevLast = lastOfPart;
    lastOfPart = undefined;
    partFirst = undefined;
    k++;
  }
  return (seq) => {
    let i = 0;
    while (i < chain.length - 1 && seq > lastSeq[i]) i++;
    return origins[i];
  };
}
