// Which globals a keyframe shows: what the agent assigned on globalThis since the SDK started, never the runtime's
// own names, with getters left unread.
import { afterEach, expect, it } from 'vitest';
import { userGlobals } from './userGlobals.js';

const g = globalThis as Record<string, unknown>;
const added = ['atrMemory', 'atrHidden', 'atrLazy'];
afterEach(() => {
  for (const n of added) delete g[n];
});

it('lists the enumerable names added since the baseline, reads no getter, and skips built-ins', () => {
  const baseline = new Set(Object.getOwnPropertyNames(globalThis));
  expect(userGlobals(baseline)).toEqual({});
  g.atrMemory = { turns: 2, notes: ['a'] };
  Object.defineProperty(globalThis, 'atrHidden', { value: 1, configurable: true, enumerable: false });
  let reads = 0;
  Object.defineProperty(globalThis, 'atrLazy', { get: () => ++reads, configurable: true, enumerable: true });
  expect(userGlobals(baseline)).toEqual({ atrMemory: { turns: 2, notes: ['a'] }, atrLazy: '[Getter]' });
  expect(reads).toBe(0);
  // A name present at the baseline is never listed, even when the agent reassigns it.
  expect(userGlobals(new Set([...baseline, 'atrMemory']))).toEqual({ atrLazy: '[Getter]' });
});
