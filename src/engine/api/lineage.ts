/**
 * Paged reads over a run's lineage: a branch stores only the events after its fork, its ancestors supply the rest.
 * The segments come from runs/runCost.ts (inheritedSegments, the same walk as replay's eventsOfTree); this module
 * adds what the workbench needs on top: pages from a seq with a kind filter, counts, and which run owns a seq,
 * without loading a 100k-event run to show 500 rows of it.
 */
import type { TraceEvent } from '../../shared/trace/types.js';
import { inheritedSegments } from '../runs/runCost.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';

/** Events of run `runId` with after < seq <= upTo. */
export interface LineageSegment {
  runId: string;
  after: number;
  upTo: number;
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** The segments whose events make up `run`, oldest ancestor first, in increasing seq ranges. */
export function lineageSegments(store: TraceStore, run: StoredRun): LineageSegment[] {
  const inherited = inheritedSegments(store, run).reverse();
  return [...inherited, { runId: run.id, after: run.forkSeq ?? -1, upTo: MAX_SEQ }];
}

export interface LineageQuery {
  /** First seq (inclusive). */
  from?: number;
  /** Last seq (inclusive). */
  to?: number;
  kinds?: readonly string[];
  limit?: number;
}

/** Events of the lineage in seq order, like store.getEvents for one run. */
export function lineageEvents(store: TraceStore, segments: readonly LineageSegment[], q: LineageQuery = {}): TraceEvent[] {
  const out: TraceEvent[] = [];
  const limit = q.limit ?? Infinity;
  for (const seg of segments) {
    const range = clip(seg, q);
    if (!range) continue;
    if (out.length >= limit) break;
    out.push(...store.getEvents(seg.runId, { ...range, kinds: q.kinds, limit: limit - out.length }));
  }
  return out;
}

/** Number of lineage events in [from, to] of the given kinds. */
export function lineageCount(store: TraceStore, segments: readonly LineageSegment[], q: Omit<LineageQuery, 'limit'> = {}): number {
  let n = 0;
  for (const seg of segments) {
    const range = clip(seg, q);
    if (range) n += store.countEvents(seg.runId, { ...range, kinds: q.kinds });
  }
  return n;
}

/** The run that recorded seq (an ancestor for seqs up to a branch's fork). */
export function ownerOf(segments: readonly LineageSegment[], seq: number): string {
  for (const seg of segments) if (seq > seg.after && seq <= seg.upTo) return seg.runId;
  return segments[segments.length - 1].runId;
}

function clip(seg: LineageSegment, q: { from?: number; to?: number }): { from: number; to: number } | undefined {
  const from = Math.max(seg.after + 1, q.from ?? 0);
  const to = Math.min(seg.upTo, q.to ?? MAX_SEQ);
  return from <= to ? { from, to } : undefined;
}
