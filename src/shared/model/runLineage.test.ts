import { describe, expect, it } from 'vitest';
import { descendantsOf } from './runLineage.js';

describe('descendantsOf', () => {
  it('lists the branches below a run, recursively, and nothing for a leaf', () => {
    const runs = [{ id: 't' }, { id: 'a', parentId: 't' }, { id: 'b', parentId: 'a' }, { id: 'c', parentId: 'a' }, { id: 'd', parentId: 't' }];
    expect(descendantsOf(runs, 'a').sort()).toEqual(['b', 'c']);
    expect(descendantsOf(runs, 't').sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(descendantsOf(runs, 'd')).toEqual([]);
  });

  it('lists children first, siblings in the given order (the order the store deletes them in)', () => {
    const runs = [{ id: 't' }, { id: 'a', parentId: 't' }, { id: 'b', parentId: 'a' }, { id: 'c', parentId: 'a' }, { id: 'd', parentId: 't' }, { id: 'e', parentId: 'b' }];
    expect(descendantsOf(runs, 't')).toEqual(['e', 'b', 'c', 'a', 'd']);
  });

  it('lists each run once when damaged links form a cycle, and never hangs', () => {
    const runs = [{ id: 'a', parentId: 'c' }, { id: 'b', parentId: 'a' }, { id: 'c', parentId: 'b' }, { id: 'x', parentId: 'b' }];
    expect(descendantsOf(runs, 'a')).toEqual(['c', 'x', 'b']);
  });
});
