/**
 * A run's lineage (DESIGN §2): a branch stores only the events after its fork, its ancestors supply the ones up to
 * it (recursively: a branch of a branch). Every read of a run's whole timeline goes through RunLineage, reached as
 * `store.lineage(runId)`: the segments (which run owns which seq range), events and counts paged and filtered like
 * store.getEvents, one event, the state at a step, the owner of a seq, the root trace and the runs below.
 * One rule for a damaged store: a missing parent is a NotFoundError naming the parent and the run that forks from
 * it; a parent cycle is a StoreError naming the runs in it (never a hang).
 */
import { descendantsOf } from '../../shared/model/runLineage.js';
import type { StateAtStep, TraceEvent } from '../../shared/trace/types.js';
import { NotFoundError, StoreError } from '../errors.js';
import type { EventQuery, StoredRun } from './storeTypes.js';

/** Events of run `runId` with after < seq <= upTo. */
export interface LineageSegment {
  runId: string;
  after: number;
  upTo: number;
}

/** What a lineage reads (the TraceStore; an interface so that this module does not import store.ts). */
export interface LineageSource {
  findRun(id: string): StoredRun | undefined;
  getEvents(runId: string, q?: EventQuery): TraceEvent[];
  getEvent(runId: string, seq: number): TraceEvent | undefined;
  countEvents(runId: string, q?: Pick<EventQuery, 'from' | 'to' | 'kinds'>): number;
  /** The state at a step from the run's own keyframes and events. */
  stateAt(runId: string, seq: number): StateAtStep;
  /** Every run's parent link, children of one parent oldest first. */
  runLinks(): { id: string; parentId?: string }[];
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** Whether a run inherits events: it names a parent and the step it forked after. */
export function isBranchRun(run: Pick<StoredRun, 'parentId' | 'forkSeq'>): boolean {
  return run.parentId !== undefined && run.forkSeq !== undefined;
}

/** The segment a run stores itself: everything for a recorded run, only the seqs after the fork for a branch. */
export function ownSegment(run: Pick<StoredRun, 'id' | 'parentId' | 'forkSeq'>): LineageSegment {
  return { runId: run.id, after: isBranchRun(run) ? (run.forkSeq as number) : -1, upTo: MAX_SEQ };
}

export class RunLineage {
  private chainMemo: readonly StoredRun[] | undefined;
  private segmentsMemo: readonly LineageSegment[] | undefined;

  constructor(
    private readonly source: LineageSource,
    readonly run: StoredRun,
  ) {}

  /** The run and its ancestors: the run first, the root trace last. Throws for a missing parent or a cycle. */
  get chain(): readonly StoredRun[] {
    this.chainMemo ??= this.walkUp(true);
    return this.chainMemo;
  }

  /** The trace at the top of the lineage (the run itself for a trace). */
  get root(): StoredRun {
    const c = this.chain;
    return c[c.length - 1];
  }

  /** The segments whose events make up the run, oldest ancestor first, in increasing seq ranges (some may be empty). */
  get segments(): readonly LineageSegment[] {
    if (!this.segmentsMemo) {
      const inherited: LineageSegment[] = [];
      const chain = this.chain;
      let upTo = MAX_SEQ;
      for (let i = 0; i + 1 < chain.length && isBranchRun(chain[i]); i++) {
        upTo = Math.min(upTo, chain[i].forkSeq as number);
        const parent = chain[i + 1];
        inherited.unshift({ runId: parent.id, after: isBranchRun(parent) ? Math.min(parent.forkSeq as number, upTo) : -1, upTo });
      }
      this.segmentsMemo = [...inherited, ownSegment(this.run)];
    }
    return this.segmentsMemo;
  }

  /** The segments the run inherits from its ancestors (all but its own). */
  get inherited(): readonly LineageSegment[] {
    return this.segments.slice(0, -1);
  }

  /** Events of the whole timeline in seq order, batches expanded; `from`/`to`/`kinds`/`limit` as in store.getEvents. */
  events(q: EventQuery = {}): TraceEvent[] {
    const out: TraceEvent[] = [];
    const limit = q.limit ?? Infinity;
    for (const seg of this.segments) {
      if (out.length >= limit) break;
      const range = clip(seg, q);
      if (range) out.push(...this.source.getEvents(seg.runId, { ...range, kinds: q.kinds, limit: limit - out.length }));
    }
    return out;
  }

  /** Number of events of the timeline in [from, to] of the given kinds. */
  count(q: Omit<EventQuery, 'limit'> = {}): number {
    let n = 0;
    for (const seg of this.segments) {
      const range = clip(seg, q);
      if (range) n += this.source.countEvents(seg.runId, { ...range, kinds: q.kinds });
    }
    return n;
  }

  /** The run that recorded seq (an ancestor for the seqs up to a branch's fork). */
  ownerOf(seq: number): string {
    for (const seg of this.segments) if (seq > seg.after && seq <= seg.upTo) return seg.runId;
    return this.run.id;
  }

  /** The recorded event at a step (an ancestor's for the steps up to the fork; a branch's edits are not applied). */
  eventAt(seq: number): TraceEvent | undefined {
    return this.source.getEvent(this.ownerOf(seq), seq);
  }

  /** The recorded state at a step, read from the run that recorded the step. */
  stateAt(seq: number): StateAtStep {
    return this.source.stateAt(this.ownerOf(seq), seq);
  }

  /**
   * Every run below this one, children first (the order in which they can be deleted). Works for a run whose
   * parent is missing (so it can still be deleted); a run on a parent cycle is a StoreError.
   */
  descendants(): string[] {
    this.walkUp(false);
    return descendantsOf(this.source.runLinks(), this.run.id);
  }

  /** The chain up to the root; `strict`: a missing parent throws, else the walk stops there. A cycle always throws. */
  private walkUp(strict: boolean): StoredRun[] {
    const out = [this.run];
    const seen = new Set([this.run.id]);
    for (let child = this.run; child.parentId !== undefined; ) {
      const parent = this.source.findRun(child.parentId);
      if (!parent) {
        if (!strict) break;
        const of = child.id === this.run.id ? '' : ` (an ancestor of ${this.run.id})`;
        throw new NotFoundError(`run ${child.id}${of} forks from ${child.parentId}, which is not in the store`, 'import or re-record the parent run', {
          runId: this.run.id,
          parentId: child.parentId,
        });
      }
      if (seen.has(parent.id)) {
        const loop = [...out.slice(out.findIndex((r) => r.id === parent.id)).map((r) => r.id), parent.id];
        throw new StoreError(`runs fork from each other in a loop: ${loop.join(' -> ')}`, 'the store is damaged; delete these runs or import them again', { runId: this.run.id, loop });
      }
      seen.add(parent.id);
      out.push(parent);
      child = parent;
    }
    return out;
  }
}

function clip(seg: LineageSegment, q: { from?: number; to?: number }): { from: number; to: number } | undefined {
  const from = Math.max(seg.after + 1, q.from ?? 0);
  const to = Math.min(seg.upTo, q.to ?? MAX_SEQ);
  return from <= to ? { from, to } : undefined;
}
