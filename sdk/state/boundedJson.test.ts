import { describe, expect, it } from 'vitest';
import { DATA_BOUNDS, LOCALS_BOUNDS, boundedJson } from './boundedJson.js';

describe('boundedJson data mode (tracked state)', () => {
  it('equals the JSON view of plain data', () => {
    const v = { a: 1, b: 'x', c: [1, null, { d: true }], e: { f: [] }, g: undefined, h: () => 1, when: new Date(5) };
    expect(boundedJson(v, DATA_BOUNDS)).toEqual(JSON.parse(JSON.stringify(v)));
  });

  it('handles what JSON cannot: cycles, BigInt, Map, Set, NaN', () => {
    const v: Record<string, unknown> = { big: 12n, map: new Map<unknown, unknown>([['k', 1], [2, 'two']]), set: new Set(['a', 'b']), nan: NaN };
    v.self = v;
    expect(boundedJson(v, DATA_BOUNDS)).toEqual({ big: '12n', map: { k: 1, '2': 'two' }, set: ['a', 'b'], nan: 'NaN', self: '[Circular]' });
  });

  it('calls toJSON and keeps functions out of arrays as null', () => {
    expect(boundedJson({ t: { toJSON: () => 'custom' }, arr: [() => 1, undefined] }, DATA_BOUNDS)).toEqual({ t: 'custom', arr: [null, null] });
  });

  it('bounds depth, keys, strings and total size', () => {
    const deep = { l1: { l2: { l3: { l4: 1 } } } };
    expect(boundedJson(deep, { ...DATA_BOUNDS, maxDepth: 2 })).toEqual({ l1: { l2: '[Object]' } });
    const wide = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(boundedJson(wide, { ...DATA_BOUNDS, maxKeys: 3 }) as object)).toEqual(['k0', 'k1', 'k2', '…']);
    expect(boundedJson('x'.repeat(50), { ...DATA_BOUNDS, maxString: 10 })).toBe(`${'x'.repeat(10)}…[+40 chars]`);
    const big = Array.from({ length: 1000 }, (_, i) => `item-${i}-${'y'.repeat(50)}`);
    const out = boundedJson(big, { ...DATA_BOUNDS, maxChars: 2000 }) as string[];
    expect(out.length).toBeLessThan(100);
    expect(out[out.length - 1]).toBe('[Truncated]');
  });

  it('never throws: a throwing getter becomes a marker', () => {
    const v = {
      get bad(): number {
        throw new Error('nope');
      },
      ok: 1,
    };
    expect(boundedJson(v, DATA_BOUNDS)).toEqual({ bad: '[Unreadable]', ok: 1 });
  });
});

describe('boundedJson inspect mode (locals, globals)', () => {
  it('runs no getters, no toJSON and no proxy traps', () => {
    let calls = 0;
    const v = {
      get g(): number {
        calls++;
        return 1;
      },
      j: {
        toJSON: () => {
          calls++;
          return 'x';
        },
      },
      p: new Proxy({}, { ownKeys: () => (calls++, []), get: () => (calls++, 1) }),
    };
    const out = boundedJson(v, LOCALS_BOUNDS) as Record<string, unknown>;
    expect(calls).toBe(0);
    expect(out.g).toBe('[Getter]');
    expect(out.p).toBe('[Proxy]');
    expect(out.j).toEqual({ toJSON: '[Function toJSON]' });
  });

  it('shows an Error as name and message without formatting its stack', () => {
    const e = new RangeError('bad range');
    let stackReads = 0;
    Object.defineProperty(e, 'stack', {
      get() {
        stackReads++;
        return 'formatted';
      },
    });
    expect(boundedJson({ e }, LOCALS_BOUNDS)).toEqual({ e: { name: 'RangeError', message: 'bad range' } });
    expect(stackReads).toBe(0);
  });

  it('marks undefined, functions and symbols instead of dropping them', () => {
    expect(boundedJson({ u: undefined, f: function named() {}, s: Symbol('s') }, LOCALS_BOUNDS)).toEqual({
      u: '[undefined]',
      f: '[Function named]',
      s: 'Symbol(s)',
    });
  });
});
