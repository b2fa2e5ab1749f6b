import { describe, expect, it } from 'vitest';
import type { EventSummary } from './eventSummary.js';
import { isOpenRow, mergeFreshRows, openSeqs } from './liveRows.js';

const row = (seq: number, kind: EventSummary['kind'], extra: Partial<EventSummary> = {}): EventSummary => ({ seq, kind, ts: seq, title: `${kind} ${seq}`, ...extra });

describe('live rows', () => {
  it('calls and steps without a duration or an error are open; values, finished and failed ones are not', () => {
    expect(isOpenRow(row(0, 'llm'))).toBe(true);
    expect(isOpenRow(row(0, 'step'))).toBe(true);
    expect(isOpenRow(row(0, 'tool', { durationMs: 3 }))).toBe(false);
    expect(isOpenRow(row(0, 'http', { error: true }))).toBe(false);
    expect(isOpenRow(row(0, 'random'))).toBe(false);
  });

  it('openSeqs keeps the newest open rows, in order', () => {
    const rows = [row(0, 'step'), row(1, 'random'), row(2, 'llm'), row(3, 'http', { durationMs: 1 }), row(4, 'tool')];
    expect(openSeqs(rows)).toEqual([0, 2, 4]);
    expect(openSeqs(rows, 2)).toEqual([2, 4]);
  });

  it('mergeFreshRows replaces changed rows and keeps the array when nothing changed', () => {
    const rows = [row(0, 'step'), row(1, 'llm')];
    expect(mergeFreshRows(rows, [row(1, 'llm')])).toBe(rows);
    const merged = mergeFreshRows(rows, [row(1, 'llm', { durationMs: 9, title: 'done' })]);
    expect(merged).not.toBe(rows);
    expect(merged[1]).toMatchObject({ durationMs: 9, title: 'done' });
    expect(merged[0]).toBe(rows[0]);
  });
});
