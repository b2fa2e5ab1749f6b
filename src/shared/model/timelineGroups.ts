/**
 * Timeline grouping: a run of consecutive values from one source (100,000 Math.random calls, a burst of Date.now)
 * folds into one row, "Math.random × 100,000", that expands on demand, so the events that matter stay in view.
 * Pure: the timeline view renders the items this returns; grouping applies to the rows as loaded and filtered.
 */
import type { EventKind } from '../trace/types.js';
import type { EventSummary } from './eventSummary.js';

/** Shorter runs stay as plain rows: folding two Date.now reads would hide more than it saves. */
export const MIN_GROUP = 5;

export interface TimelineGroup {
  /** The group's first seq: stable while a live run appends to it. */
  key: number;
  kind: EventKind;
  /** The values' source, e.g. Math.random. */
  source: string;
  /** Indexes of the first and last member in the rows. */
  first: number;
  last: number;
  firstSeq: number;
  lastSeq: number;
  count: number;
  expanded: boolean;
}

/** A row of the list: an event, a folded group, or a chunk of a streamed call shown under its call (index into chunkTimes). */
export type TimelineItem = { type: 'event'; row: number; member: boolean } | { type: 'group'; group: TimelineGroup } | { type: 'chunk'; row: number; index: number };

/** Groups the rows; `expanded` holds the keys of the groups shown with their members. */
export function groupTimeline(rows: readonly EventSummary[], expanded: ReadonlySet<number>, minGroup = MIN_GROUP): TimelineItem[] {
  const items: TimelineItem[] = [];
  let i = 0;
  while (i < rows.length) {
    const g = rows[i].group;
    let j = i + 1;
    // A burst folds within one step: values of another step (span tree nesting) start another group.
    const parent = rows[i].parentSeq;
    if (g !== undefined && !rows[i].error) while (j < rows.length && rows[j].group === g && rows[j].parentSeq === parent && !rows[j].error) j++;
    const count = j - i;
    if (g === undefined || count < minGroup) {
      for (let k = i; k < j; k++) items.push({ type: 'event', row: k, member: false });
    } else {
      const key = rows[i].seq;
      const open = expanded.has(key);
      const sep = g.indexOf(':');
      items.push({ type: 'group', group: { key, kind: rows[i].kind, source: g.slice(sep + 1), first: i, last: j - 1, firstSeq: key, lastSeq: rows[j - 1].seq, count, expanded: open } });
      if (open) for (let k = i; k < j; k++) items.push({ type: 'event', row: k, member: true });
    }
    i = j;
  }
  return items;
}

/**
 * The item that stands for `seq`: its own row, or the folded group holding it. A selection inside an expanded group
 * is its member row; -1 when the seq is not loaded (or filtered out).
 */
export function itemIndexOfSeq(items: readonly TimelineItem[], rows: readonly EventSummary[], seq: number | undefined): number {
  if (seq === undefined || items.length === 0) return -1;
  // Items are in seq order: binary search on each item's first seq.
  const firstSeq = (it: TimelineItem): number => (it.type === 'group' ? it.group.firstSeq : rows[it.row].seq);
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (firstSeq(items[mid]) <= seq) lo = mid;
    else hi = mid - 1;
  }
  // Chunks share their call's seq and follow it: the call is the item.
  while (lo > 0 && items[lo].type === 'chunk') lo--;
  const it = items[lo];
  if (it.type === 'chunk') return -1;
  if (it.type === 'group') {
    if (seq > it.group.lastSeq) return -1;
    if (!it.group.expanded) return lo;
    // An expanded group's members follow it: the member row is the selection.
    const k = indexInGroup(rows, it.group, seq);
    return k === undefined ? -1 : lo + 1 + k;
  }
  return rows[it.row].seq === seq ? lo : -1;
}

/**
 * The seq a selected item stands for: an event's own, a folded group's last value (the state after the burst), a
 * chunk's call.
 */
export function seqOfItem(items: readonly TimelineItem[], rows: readonly EventSummary[], index: number): number | undefined {
  const it = items[index];
  if (!it) return undefined;
  return it.type === 'group' ? it.group.lastSeq : rows[it.row].seq;
}

/**
 * The items with the chunks of each open streamed call (`open`: their seqs) right under the call: the span tree's
 * "LLM call → stream chunks", each chunk at its arrival time.
 */
export function withStreamChunks(items: readonly TimelineItem[], rows: readonly EventSummary[], open: ReadonlySet<number>): readonly TimelineItem[] {
  if (open.size === 0) return items;
  const out: TimelineItem[] = [];
  for (const it of items) {
    out.push(it);
    if (it.type !== 'event') continue;
    const r = rows[it.row];
    if (r.chunkTimes && open.has(r.seq)) for (let k = 0; k < r.chunkTimes.length; k++) out.push({ type: 'chunk', row: it.row, index: k });
  }
  return out;
}

/** The folded group holding `seq` when seq is one of its members other than the last (a deep link into a burst). */
export function foldedGroupHiding(items: readonly TimelineItem[], rows: readonly EventSummary[], seq: number | undefined): TimelineGroup | undefined {
  const i = itemIndexOfSeq(items, rows, seq);
  const it = items[i];
  return it?.type === 'group' && !it.group.expanded && seq !== it.group.lastSeq ? it.group : undefined;
}

function indexInGroup(rows: readonly EventSummary[], g: TimelineGroup, seq: number): number | undefined {
  let lo = g.first;
  let hi = g.last;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = rows[mid].seq;
    if (s === seq) return mid - g.first;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * The rows whose summary or detail contains every word of `query` (case-insensitive), or whose payload matched the
 * full-text search (`payloadHits`: seqs the store found in LLM messages and replies, bodies, console lines, errors,
 * tool arguments), in order; all rows for an empty query. The timeline's find box.
 */
export function filterRows(rows: readonly EventSummary[], query: string, payloadHits?: { has(seq: number): boolean }): readonly EventSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((r) => {
    if (payloadHits?.has(r.seq)) return true;
    const text = `${r.seq} ${r.kind} ${r.title} ${r.detail ?? ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
