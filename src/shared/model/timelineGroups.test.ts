import { describe, expect, it } from 'vitest';
import type { EventSummary } from './eventSummary.js';
import { filterRows, foldedGroupHiding, groupTimeline, itemIndexOfSeq, MIN_GROUP, seqOfItem, withStreamChunks, type TimelineItem } from './timelineGroups.js';
import { chunkOrdinal } from './eventSummary.js';

const row = (seq: number, group?: string, error = false): EventSummary => ({
  seq,
  kind: group ? (group.split(':')[0] as EventSummary['kind']) : 'console',
  ts: seq,
  title: `e${seq}`,
  ...(group ? { group } : {}),
  ...(error ? { error: true } : {}),
});
/** console 0, Math.random 1..100, console 101, Date.now 102..103, console 104 */
const rows: EventSummary[] = [row(0), ...Array.from({ length: 100 }, (_, i) => row(1 + i, 'random:Math.random')), row(101), row(102, 'time:Date.now'), row(103, 'time:Date.now'), row(104)];
const shape = (items: readonly TimelineItem[], of = rows): string[] =>
  items.map((it) => (it.type === 'group' ? `G${it.group.firstSeq}-${it.group.lastSeq}x${it.group.count}${it.group.expanded ? '+' : ''}` : it.type === 'chunk' ? `c${of[it.row].seq}.${it.index}` : `${it.member ? 'm' : ''}${of[it.row].seq}`));

describe('groupTimeline', () => {
  it('folds a run of one source into a group and leaves short runs and other events alone', () => {
    const items = groupTimeline(rows, new Set());
    expect(shape(items)).toEqual(['0', 'G1-100x100', '101', '102', '103', '104']);
    const g = items[1];
    expect(g.type === 'group' && g.group).toMatchObject({ kind: 'random', source: 'Math.random', key: 1 });
  });

  it('shows the members of an expanded group after it', () => {
    const items = groupTimeline(rows, new Set([1]));
    expect(items).toHaveLength(6 + 100);
    expect(shape(items).slice(0, 4)).toEqual(['0', 'G1-100x100+', 'm1', 'm2']);
    expect(shape(items)[101]).toBe('m100');
  });

  it('never folds an error, and splits runs of different sources', () => {
    const mixed = [...Array.from({ length: MIN_GROUP }, (_, i) => row(i, 'random:Math.random')), row(MIN_GROUP, 'random:Math.random', true), ...Array.from({ length: MIN_GROUP }, (_, i) => row(MIN_GROUP + 1 + i, 'random:crypto.randomUUID'))];
    const items = groupTimeline(mixed, new Set());
    expect(items.map((it) => (it.type === 'group' ? `G${it.group.source}` : `${it.row}`))).toEqual(['GMath.random', '5', 'Gcrypto.randomUUID']);
  });

  it('folds a burst within one step: values of another step start another group', () => {
    const inStep = (seq: number, parentSeq: number | undefined): EventSummary => ({ ...row(seq, 'random:Math.random'), ...(parentSeq === undefined ? {} : { parentSeq }) });
    const burst = [...Array.from({ length: MIN_GROUP }, (_, i) => inStep(i, 50)), ...Array.from({ length: MIN_GROUP }, (_, i) => inStep(MIN_GROUP + i, undefined))];
    const items = groupTimeline(burst, new Set());
    expect(items.map((it) => (it.type === 'group' ? `G${it.group.firstSeq}-${it.group.lastSeq}` : `${it.row}`))).toEqual([`G0-${MIN_GROUP - 1}`, `G${MIN_GROUP}-${2 * MIN_GROUP - 1}`]);
  });

  it('keeps a growing group under the same key as a live run appends to it', () => {
    const early = groupTimeline(rows.slice(0, 10), new Set());
    const later = groupTimeline(rows, new Set());
    expect(early[1].type === 'group' && early[1].group.key).toBe(1);
    expect(later[1].type === 'group' && later[1].group.key).toBe(1);
  });
});

describe('selection in a grouped timeline', () => {
  it('maps seqs to items: a folded group stands for all its members, an expanded one shows the member', () => {
    const folded = groupTimeline(rows, new Set());
    expect([0, 1, 57, 100, 101, 104].map((s) => itemIndexOfSeq(folded, rows, s))).toEqual([0, 1, 1, 1, 2, 5]);
    expect(itemIndexOfSeq(folded, rows, 999)).toBe(-1);
    expect(itemIndexOfSeq(folded, rows, undefined)).toBe(-1);
    const open = groupTimeline(rows, new Set([1]));
    expect([1, 57, 100, 101].map((s) => itemIndexOfSeq(open, rows, s))).toEqual([2, 58, 101, 102]);
  });

  it('selecting a folded group selects its last value; a deep link into it asks for it to unfold', () => {
    const folded = groupTimeline(rows, new Set());
    expect(seqOfItem(folded, rows, 1)).toBe(100);
    expect(seqOfItem(folded, rows, 2)).toBe(101);
    expect(seqOfItem(folded, rows, 99)).toBeUndefined();
    expect(foldedGroupHiding(folded, rows, 57)?.key).toBe(1);
    expect(foldedGroupHiding(folded, rows, 100)).toBeUndefined();
    expect(foldedGroupHiding(groupTimeline(rows, new Set([1])), rows, 57)).toBeUndefined();
  });
});

describe('filterRows', () => {
  const rows: EventSummary[] = [
    { seq: 0, kind: 'llm', ts: 0, title: 'openai gpt-4o → Otters eat crabs', detail: 'HTTP 200 · 12 in / 5 out tokens' },
    { seq: 1, kind: 'console', ts: 1, title: 'stdout: otters sleep holding hands' },
    { seq: 2, kind: 'http', ts: 2, title: 'GET https://api.weather.test/lisbon → 500', detail: 'HTTP 500', error: true },
  ];
  it('keeps the rows containing every word, in any case, in order', () => {
    expect(filterRows(rows, 'OTTERS').map((r) => r.seq)).toEqual([0, 1]);
    expect(filterRows(rows, 'otters  sleep').map((r) => r.seq)).toEqual([1]);
    expect(filterRows(rows, 'http 500').map((r) => r.seq)).toEqual([2]);
    expect(filterRows(rows, 'llm crabs').map((r) => r.seq)).toEqual([0]);
    expect(filterRows(rows, 'nothing like this')).toEqual([]);
    // Payload matches (the store's full-text search) are found even when the summary does not say the word.
    expect(filterRows(rows, 'azulejo', new Set([2])).map((r) => r.seq)).toEqual([2]);
    expect(filterRows(rows, 'otters', new Set([2])).map((r) => r.seq)).toEqual([0, 1, 2]);
  });
  it('returns the rows themselves for an empty query', () => {
    expect(filterRows(rows, '  ')).toBe(rows);
  });
});

describe('withStreamChunks', () => {
  const streamed: EventSummary[] = [row(0), { ...row(1), kind: 'llm', chunkTimes: [5, 9, 14], chunkCount: 3 }, row(2), { ...row(3), kind: 'llm', chunkTimes: [4], chunkCount: 1 }];
  const base = groupTimeline(streamed, new Set());

  it("puts an open streamed call's chunks right under it, and nothing for closed ones", () => {
    expect(withStreamChunks(base, streamed, new Set())).toBe(base);
    const items = withStreamChunks(base, streamed, new Set([1]));
    expect(shape(items, streamed)).toEqual(['0', '1', 'c1.0', 'c1.1', 'c1.2', '2', '3']);
    expect(shape(withStreamChunks(base, streamed, new Set([1, 3])), streamed)).toEqual(['0', '1', 'c1.0', 'c1.1', 'c1.2', '2', '3', 'c3.0']);
  });

  it('a chunk stands for its call: the call is the item of its seq, and the seq of a chunk item is the call', () => {
    const items = withStreamChunks(base, streamed, new Set([1, 3]));
    expect(itemIndexOfSeq(items, streamed, 1)).toBe(1);
    expect(itemIndexOfSeq(items, streamed, 2)).toBe(5);
    expect(itemIndexOfSeq(items, streamed, 3)).toBe(6);
    expect(seqOfItem(items, streamed, 3)).toBe(1);
    expect(seqOfItem(items, streamed, 7)).toBe(3);
  });

  it('numbers sampled chunks as the chunks they are (first and last kept)', () => {
    expect([0, 1, 2].map((i) => chunkOrdinal(i, 3, 3))).toEqual([1, 2, 3]);
    expect([0, 1, 2, 3].map((i) => chunkOrdinal(i, 4, 100))).toEqual([1, 34, 67, 100]);
    expect(chunkOrdinal(0, 1, 1)).toBe(1);
  });
});
