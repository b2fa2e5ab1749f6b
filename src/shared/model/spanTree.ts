/**
 * The span tree of a run's timeline: steps and tools (SDK annotations) hold what happened inside them (calls,
 * values, console lines, nested steps), as recorded by `parentSeq`; values consumed inside client libraries are
 * hidden unless asked for; a collapsed step hides its descendants. Also the waterfall: each row's bar on the run's
 * time axis. Pure: the timeline renders the rows this returns (and folds value bursts with timelineGroups).
 */
import type { EventSummary } from './eventSummary.js';

export interface SpanTreeOptions {
  /** Show values consumed inside client libraries (openai, groq-sdk...). Default: hidden. */
  showLibrary?: boolean;
  /** Seqs of collapsed steps/tools. */
  collapsed?: ReadonlySet<number>;
}

/** A step or tool among the rows. */
export interface StepNode {
  /** Nesting depth of the step itself (0: top level). */
  depth: number;
  /** Events inside it, at any depth (library values counted only when shown). */
  descendants: number;
  /** Its enclosing step among the rows. */
  parent?: number;
  /** Collapsed, or inside a collapsed step: its descendants are not shown. */
  closed: boolean;
}

export interface SpanTree {
  /** The rows shown, in seq order. */
  rows: EventSummary[];
  /** The steps and tools among the rows, by seq. */
  steps: Map<number, StepNode>;
  /** Library values left out (0 when shown or none). */
  hiddenLibrary: number;
}

/** Nesting depth of a row of the tree (0: top level). */
export function depthOf(tree: SpanTree, r: EventSummary): number {
  const own = tree.steps.get(r.seq);
  if (own) return own.depth;
  const p = r.parentSeq === undefined ? undefined : tree.steps.get(r.parentSeq);
  return p ? p.depth + 1 : 0;
}

/**
 * Builds the tree over `rows` (in seq order; a step comes before what it holds). A row whose step is not among the
 * rows (filtered out, not loaded) hangs at the top. Events recorded without nesting (older traces) are all top
 * level: the list reads as before. O(rows × depth), no per-row allocation: it runs on every fold and filter.
 */
export function buildSpanTree(rows: readonly EventSummary[], opts: SpanTreeOptions = {}): SpanTree {
  const steps = new Map<number, StepNode>();
  // A flat run (no nesting, no library values: older traces, most 100k-value runs) costs one scan.
  if (!rows.some((r) => r.parentSeq !== undefined || r.lib)) return { rows: rows as EventSummary[], steps, hiddenLibrary: 0 };
  const collapsed = opts.collapsed ?? new Set<number>();
  const out: EventSummary[] = [];
  let hiddenLibrary = 0;
  for (const r of rows) {
    if (r.lib && !opts.showLibrary) {
      hiddenLibrary++;
      continue;
    }
    const parent = r.parentSeq === undefined ? undefined : steps.get(r.parentSeq);
    for (let a = parent, guard = 0; a !== undefined && guard < 1000; a = a.parent === undefined ? undefined : steps.get(a.parent), guard++) a.descendants++;
    if (r.kind === 'step' || r.kind === 'tool') {
      const node: StepNode = { depth: parent ? parent.depth + 1 : 0, descendants: 0, closed: collapsed.has(r.seq) || (parent?.closed ?? false) };
      if (parent) node.parent = r.parentSeq;
      steps.set(r.seq, node);
    }
    if (!parent?.closed) out.push(r);
  }
  return { rows: out.length === rows.length ? (rows as EventSummary[]) : out, steps, hiddenLibrary };
}

/** A row's bar on the waterfall, as fractions of the axis (0..1). */
export interface WaterfallBar {
  left: number;
  width: number;
}

/**
 * The waterfall axis: from 0 (the run's start on the timeline's time axis) to the end of the last row's span.
 * `offsetOf(row)` is the row's start in ms on that axis (the timeline's times).
 */
export function waterfallExtent(rows: readonly EventSummary[], offsetOf: (r: EventSummary) => number): number {
  let end = 0;
  for (const r of rows) {
    const o = offsetOf(r);
    if (Number.isFinite(o)) end = Math.max(end, o + (r.durationMs ?? 0));
  }
  return end;
}

/** The bar of a row: its start and duration on [0, extent] (a zero-length span is a tick at its start). */
export function waterfallBar(offsetMs: number, durationMs: number | undefined, extentMs: number): WaterfallBar {
  if (!(extentMs > 0) || !Number.isFinite(offsetMs)) return { left: 0, width: 0 };
  const left = Math.min(1, Math.max(0, offsetMs / extentMs));
  const width = Math.min(1 - left, Math.max(0, (durationMs ?? 0) / extentMs));
  return { left, width };
}
