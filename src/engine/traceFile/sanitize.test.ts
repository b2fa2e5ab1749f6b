import { describe, expect, it } from 'vitest';
import { collectBlobRefs, inspectJson, keyframeBlobRefs, sanitizeJson } from './sanitize.js';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);

describe('sanitizeJson', () => {
  it('drops __proto__, constructor and prototype keys at any depth and counts them', () => {
    const v = JSON.parse('{"a":{"__proto__":{"polluted":1},"b":[{"constructor":{"prototype":{"polluted":2}}},{"prototype":3,"ok":4}]},"__proto__":5}') as unknown;
    const r = sanitizeJson(v, 100);
    expect(r.dropped).toBe(4);
    expect(v).toEqual({ a: { b: [{}, { ok: 4 }] } });
    expect(Object.keys(v as object)).toEqual(['a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('measures depth without recursion and stops at the limit', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(sanitizeJson(deep, 256).depth).toBe(257);
    expect(sanitizeJson({ a: { b: [1] } }, 256).depth).toBe(3);
  });
});

describe('inspectJson', () => {
  it('names the first unsafe key and where it sits, changing nothing; clean values pass', () => {
    const text = '{"a":{"b":[{"ok":1},{"c":{"constructor":{"prototype":1}}}]},"z":{"__proto__":2}}';
    const v = JSON.parse(text) as unknown;
    expect(inspectJson(v, 100).unsafe).toBe('a.b[1].c.constructor');
    expect(JSON.stringify(v)).toBe(text);
    expect(inspectJson(JSON.parse('[{"__proto__":1}]'), 100).unsafe).toBe('[0].__proto__');
    expect(inspectJson({ a: { b: [1, { c: 'constructor' }] }, prototypes: 1 }, 100)).toEqual({ depth: 4 });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inspectJson(deep, 256)).toEqual({ depth: 257 });
  });
});

describe('blob references', () => {
  it('finds BlobRef objects anywhere and keyframe file hashes; ignores look-alikes', () => {
    const refs = new Set<string>();
    collectBlobRefs({ request: { body: { blob: H1, size: 3, encoding: 'utf8' } }, note: { blob: H2 }, text: H2 }, refs);
    expect([...refs]).toEqual([H1]);
    const kf = new Set<string>();
    keyframeBlobRefs({ files: { '/a.txt': H2, '/gone.txt': null }, tracked: { x: { blob: H1, size: 1 } } }, kf);
    expect([...kf].sort()).toEqual([H1, H2]);
  });
});
