import { describe, expect, it } from 'vitest';
import { changedPaths } from '../trace/stateDiff.js';
import { changeMarks, flattenJson, preview } from './jsonTree.js';

describe('jsonTree', () => {
  const prev = { memory: { notes: ['a'], count: 1 }, cfg: { model: 'x' } };
  const next = { memory: { notes: ['a', 'b'], count: 2 }, cfg: { model: 'x' } };

  it('marks changed values and the containers that hold them', () => {
    const paths = changedPaths(prev, next).map((p) => `tracked.${p}`);
    expect(paths).toEqual(['tracked.memory.notes.1', 'tracked.memory.count']);
    const marks = changeMarks(paths);
    expect(marks.get('tracked.memory.notes.1')).toBe('self');
    expect(marks.get('tracked.memory.notes')).toBe('inside');
    expect(marks.get('tracked.memory')).toBe('inside');
    expect(marks.get('tracked')).toBe('inside');
    expect(marks.has('tracked.cfg')).toBe(false);
  });

  it('opens the root level and every path leading to a change, and marks rows', () => {
    const marks = changeMarks(changedPaths(prev, next).map((p) => `tracked.${p}`));
    const rows = flattenJson(next, { rootPath: 'tracked', marks });
    expect(rows.map((r) => [r.path, r.depth, r.expanded, r.mark ?? '-'])).toEqual([
      ['tracked', 0, true, 'inside'],
      ['tracked.memory', 1, true, 'inside'],
      ['tracked.memory.notes', 2, true, 'inside'],
      ['tracked.memory.notes.0', 3, false, '-'],
      ['tracked.memory.notes.1', 3, false, 'self'],
      ['tracked.memory.count', 2, false, 'self'],
      ['tracked.cfg', 1, false, '-'],
    ]);
    expect(rows[6].preview).toBe('{…} 1 key');
  });

  it('follows explicit open/close choices and marks everything under a value set wholesale', () => {
    const marks = changeMarks(['g.fresh']);
    const rows = flattenJson({ fresh: { a: { b: 1 } }, old: { c: 2 } }, { rootPath: 'g', marks, isExpanded: (p) => (p === 'g.old' ? true : p === 'g.fresh' ? true : undefined) });
    const byPath = Object.fromEntries(rows.map((r) => [r.path, r]));
    expect(byPath['g.fresh.a'].mark).toBe('self');
    expect(byPath['g.fresh.a'].expanded).toBe(false);
    expect(byPath['g.old.c'].mark).toBeUndefined();
    // A subtree shown on its own (a frame's locals) is marked when a value above it was replaced.
    const locals = flattenJson({ q: 'otters' }, { rootPath: 'frames.0.locals', marks: changeMarks(['frames']) });
    expect(locals.map((r) => r.mark)).toEqual(['self', 'self']);
    expect(flattenJson({ q: 1 }, { rootPath: 'frames.1.locals', marks: changeMarks(['frames.0']) }).map((r) => r.mark)).toEqual([undefined, undefined]);
    const closed = flattenJson({ x: { y: 1 } }, { isExpanded: () => false });
    expect(closed).toHaveLength(1);
  });

  it('cuts long containers with a "more" row and previews scalars', () => {
    const rows = flattenJson({ list: Array.from({ length: 10 }, (_, i) => i) }, { maxChildren: 3, openDepth: 3 });
    expect(rows.map((r) => r.key)).toEqual(['', 'list', '0', '1', '2', '…']);
    expect(rows[5].more).toBe(7);
    expect(preview('x'.repeat(200), 10)).toBe('"xxxxxxx…"');
    expect([preview(null), preview(true), preview(3), preview([]), preview({})]).toEqual(['null', 'true', '3', '[]', '{}']);
  });
});
