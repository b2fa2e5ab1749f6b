/** Keyboard and nesting helpers of the timeline's list (pure). */
import type { EventSummary } from '../../../../shared/rpc/contract';

/** Rows moved by PageUp / PageDown. */
const PAGE_ROWS = 20;

/** The row of a seq in rows sorted by seq (binary search: this runs on every render of a 100k-row timeline). */
export function rowBySeq(rows: readonly EventSummary[], seq: number): EventSummary | undefined {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].seq === seq) return rows[mid];
    if (rows[mid].seq < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** The steps enclosing a row, innermost first (by the recorded nesting of the loaded rows). */
export function ancestorsOf(rows: readonly EventSummary[], seq: number): number[] {
  const out: number[] = [];
  for (let r = rowBySeq(rows, seq); r?.parentSeq !== undefined && out.length < 1000; r = rowBySeq(rows, r.parentSeq)) out.push(r.parentSeq);
  return out;
}

/** Next selection for a navigation key, or undefined when the key is not one of ours. */
export function moveSelection(key: string, index: number, count: number): number | undefined {
  if (count === 0) return undefined;
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return index < 0 ? 0 : Math.min(count - 1, index + 1);
    case 'k':
    case 'ArrowUp':
      return index < 0 ? 0 : Math.max(0, index - 1);
    case 'PageDown':
      return Math.min(count - 1, Math.max(0, index) + PAGE_ROWS);
    case 'PageUp':
      return Math.max(0, index - PAGE_ROWS);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

/** A copy of `set` with `key` in it (present) or not: the fold states of steps, groups and streams. */
export function withMember(set: ReadonlySet<number>, key: number, present: boolean): ReadonlySet<number> {
  const next = new Set(set);
  if (present) next.add(key);
  else next.delete(key);
  return next;
}
