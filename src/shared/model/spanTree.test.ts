import { describe, expect, it } from 'vitest';
import type { EventSummary } from './eventSummary.js';
import { buildSpanTree, depthOf, waterfallBar, waterfallExtent } from './spanTree.js';

const row = (seq: number, kind: EventSummary['kind'], extra: Partial<EventSummary> = {}): EventSummary => ({ seq, kind, ts: 1000 + seq * 10, title: `${kind} ${seq}`, ...extra });

/** step 1 › (lib random 2, lib time 3, llm 4, tool 5 › (random 6)), then the agent's own random 7 at the top. */
const rows: EventSummary[] = [
  row(0, 'random'),
  row(1, 'step', { durationMs: 60 }),
  row(2, 'random', { parentSeq: 1, lib: true }),
  row(3, 'time', { parentSeq: 1, lib: true }),
  row(4, 'llm', { parentSeq: 1, durationMs: 20 }),
  row(5, 'tool', { parentSeq: 1, durationMs: 5 }),
  row(6, 'random', { parentSeq: 5 }),
  row(7, 'random'),
];

describe('buildSpanTree', () => {
  it('nests by parentSeq and hides library values by default; the toggle shows them', () => {
    const t = buildSpanTree(rows);
    expect(t.rows.map((r) => r.seq)).toEqual([0, 1, 4, 5, 6, 7]);
    expect(t.hiddenLibrary).toBe(2);
    expect(t.rows.map((r) => depthOf(t, r))).toEqual([0, 0, 1, 1, 2, 0]);
    expect(t.steps.get(1)?.descendants).toBe(3);
    expect(t.steps.get(5)?.descendants).toBe(1);
    const all = buildSpanTree(rows, { showLibrary: true });
    expect(all.rows.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(all.hiddenLibrary).toBe(0);
    expect(all.steps.get(1)?.descendants).toBe(5);
  });

  it('a collapsed step hides everything inside it, nested steps included', () => {
    expect(buildSpanTree(rows, { collapsed: new Set([1]) }).rows.map((r) => r.seq)).toEqual([0, 1, 7]);
    expect(buildSpanTree(rows, { collapsed: new Set([5]) }).rows.map((r) => r.seq)).toEqual([0, 1, 4, 5, 7]);
  });

  it('a row whose step is filtered out hangs at the top; a flat (older) trace is returned as is', () => {
    const noSteps = rows.filter((r) => r.kind !== 'step');
    const t = buildSpanTree(noSteps);
    expect(depthOf(t, noSteps[3])).toBe(0);
    expect(depthOf(t, noSteps[4])).toBe(0);
    expect(depthOf(t, noSteps[5])).toBe(1);
    const flat = rows.map(({ parentSeq: _p, lib: _l, ...r }) => r);
    const f = buildSpanTree(flat);
    expect(f.rows).toBe(flat);
    expect(f.steps.size).toBe(0);
  });

  it('builds the tree of 100k rows quickly', () => {
    const big: EventSummary[] = [];
    for (let i = 0; i < 100_000; i++) big.push(i % 1000 === 0 ? row(i, 'step', { durationMs: 5 }) : row(i, 'random', { parentSeq: i - (i % 1000), lib: i % 7 === 0 }));
    const t0 = performance.now();
    const t = buildSpanTree(big);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(t.rows.length + t.hiddenLibrary).toBe(100_000);
  });
});

describe('waterfall', () => {
  it('places each span on the run axis; the axis ends with the last span', () => {
    const offset = (r: EventSummary): number => r.ts - 1000;
    const extent = waterfallExtent(rows, offset);
    expect(extent).toBe(70);
    expect(waterfallBar(10, 60, extent)).toEqual({ left: 10 / 70, width: 60 / 70 });
    expect(waterfallBar(70, undefined, extent)).toEqual({ left: 1, width: 0 });
    expect(waterfallBar(5, 10, 0)).toEqual({ left: 0, width: 0 });
  });
});
