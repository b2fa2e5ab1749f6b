// The SDK's sha256 (fingerprints, blob hashes) must give the same hex as the classic createHash on every input shape
// it gets, including views into a larger buffer (pooled Buffers, chunk slices).
import crypto from 'node:crypto';
import { expect, it } from 'vitest';
import { sha256 } from './originals.js';

it('hashes text (as UTF-8), Buffers and Uint8Array views exactly as createHash does', () => {
  const classic = (d: string | Uint8Array): string => crypto.createHash('sha256').update(d).digest('hex');
  const pool = Buffer.from('xx{"model":"gpt","messages":[]}yy — ünïcode');
  const view = new Uint8Array(pool.buffer, pool.byteOffset + 2, 30);
  for (const d of ['', 'POST http://h/v1\n{"a":1}', 'ünïcode ✓', pool, pool.subarray(2, 32), view]) expect(sha256(d)).toBe(classic(d));
  expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
