/**
 * Live timeline rows. A call or a step is recorded when it starts and completed later by a patch (the response,
 * the step's outcome and duration); a live timeline that only fetched the rows added since its last one kept such a
 * row as it first saw it ("pending", no duration) until the page was reloaded. These helpers name the rows still
 * open, so a live view re-reads them on every change, and merge the fresh copies in. Pure.
 */
import type { EventSummary } from './eventSummary.js';

/** Rows re-read per change at most (open calls and steps at once: nested steps plus concurrent calls). */
export const MAX_OPEN_ROWS = 32;

/** A row that a later patch completes: a call or step without a duration or an outcome yet. */
export function isOpenRow(r: EventSummary): boolean {
  if (r.error || r.durationMs !== undefined) return false;
  return r.kind === 'llm' || r.kind === 'http' || r.kind === 'step' || r.kind === 'tool';
}

/** Seqs of the open rows, newest last, at most `max` (the newest ones: old open steps are the outer ones). */
export function openSeqs(rows: readonly EventSummary[], max = MAX_OPEN_ROWS): number[] {
  const out: number[] = [];
  for (let i = rows.length - 1; i >= 0 && out.length < max; i--) if (isOpenRow(rows[i])) out.push(rows[i].seq);
  return out.reverse();
}

/** `rows` with each row whose seq is in `fresh` replaced by the fresh copy (same array when nothing changed). */
export function mergeFreshRows(rows: readonly EventSummary[], fresh: readonly EventSummary[]): EventSummary[] {
  if (fresh.length === 0) return rows as EventSummary[];
  const bySeq = new Map(fresh.map((r) => [r.seq, r]));
  let changed = false;
  const out = rows.map((r) => {
    const f = bySeq.get(r.seq);
    if (!f || sameRow(f, r)) return r;
    changed = true;
    return f;
  });
  return changed ? out : (rows as EventSummary[]);
}

function sameRow(a: EventSummary, b: EventSummary): boolean {
  return a.title === b.title && a.detail === b.detail && a.durationMs === b.durationMs && a.error === b.error;
}
