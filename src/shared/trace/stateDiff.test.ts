import { describe, expect, it } from 'vitest';
import type { Json } from './types.js';
import { applyOps, changedPaths, diffJson, jsonEqual } from './stateDiff.js';

/** Pairs of states an agent goes through: each diff must rebuild `next` from `prev` exactly. */
const steps: [Json | undefined, Json][] = [
  [undefined, { notes: [] }],
  [{ notes: [] }, { notes: ['a'] }],
  [{ notes: ['a'] }, { notes: ['a', 'b'], count: 2 }],
  [{ notes: ['a', 'b'], count: 2 }, { notes: ['b'], count: 2 }],
  [{ a: { b: { c: 1 } }, keep: true }, { a: { b: { c: 2, d: null } }, keep: true }],
  [{ a: 1, gone: 'x' }, { a: 1 }],
  [{ list: [{ id: 1 }, { id: 2 }] }, { list: [{ id: 1 }, { id: 3 }] }],
  [{ v: 'text' }, { v: { now: 'object' } }],
  [[1, 2, 3], [1, 2, 3, 4]],
  [{ x: 1 }, 'scalar at the root'],
  ['scalar', null],
];

describe('diffJson + applyOps', () => {
  it.each(steps.map((s, i) => [i, ...s] as const))('case %i: the ops rebuild the next state', (_i, prev, next) => {
    const ops = diffJson(prev, next);
    expect(applyOps(prev, ops)).toEqual(next);
  });

  it('records only what changed, with the deepest path', () => {
    expect(diffJson({ a: { b: 1, c: 2 }, d: [1, 2] }, { a: { b: 1, c: 3 }, d: [1, 2] })).toEqual([{ op: 'set', path: ['a', 'c'], value: 3 }]);
    expect(diffJson({ a: 1, b: 2 }, { a: 1 })).toEqual([{ op: 'del', path: ['b'] }]);
    expect(diffJson({ n: [1] }, { n: [1, 2, 3] })).toEqual([
      { op: 'set', path: ['n', 1], value: 2 },
      { op: 'set', path: ['n', 2], value: 3 },
    ]);
    // A shrinking array is replaced whole: index-wise deletes would shift under each other.
    expect(diffJson({ n: [1, 2, 3] }, { n: [3] })).toEqual([{ op: 'set', path: ['n'], value: [3] }]);
    expect(diffJson({ same: { deep: [1, { x: 1 }] } }, { same: { deep: [1, { x: 1 }] } })).toEqual([]);
  });

  it('never mutates its inputs', () => {
    const base: Json = { a: { list: [1, 2] } };
    const frozen = JSON.stringify(base);
    const out = applyOps(base, [{ op: 'set', path: ['a', 'list', 2], value: 3 }, { op: 'del', path: ['a', 'list', 0] }]);
    expect(out).toEqual({ a: { list: [2, 3] } });
    expect(JSON.stringify(base)).toBe(frozen);
  });
});

describe('changedPaths and jsonEqual', () => {
  it('names the paths the inspector highlights', () => {
    expect(changedPaths({ memory: { answers: [] } }, { memory: { answers: ['x'] } })).toEqual(['memory.answers.0']);
    expect(changedPaths(undefined, { a: 1 })).toEqual(['']);
  });

  it('compares JSON by value, not key order or identity', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});
