// In-process checks of the pieces under the patches: the value journal round trip (numeric batches are written as
// binary f64 and must come back bit-exact), tape cursors, codecs, and that every patch can be undone.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Recorder } from '../core/recorder.js';
import { libraryChecks, refillLibraryChecks, withKnownCaller } from '../core/libraryCaller.js';
import { parseJournal, type JournalBatch } from '../../src/shared/trace/journal.js';
import { testRecorder } from '../../test/helpers/testRecorder.js';
import { installDeterminismPatches } from './installDeterminism.js';
import { bigintCodec, bytesCodec, hrtimeCodec, RecordingSource } from './valueSource.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function newRecorder(): { rec: Recorder; journal: string } {
  const t = testRecorder();
  cleanups.push(t.cleanup);
  return t;
}

function batches(journal: string): JournalBatch[] {
  return parseJournal(fs.readFileSync(journal, 'utf8')).filter((l): l is JournalBatch => l.t === 'batch');
}

describe('RecordingSource and the value journal', () => {
  it('round-trips numeric batches bit-exactly, with seqs and cursors per source', () => {
    const { rec, journal } = newRecorder();
    const src = new RecordingSource(rec);
    const specials = [0.1 + 0.2, -0, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, 1e-300];
    const randoms = Array.from({ length: 5000 }, () => src.nextNumber('random', 'Math.random', Math.random()));
    for (const v of specials) src.nextNumber('time', 'Date.now', v);
    const uuid = src.next('random', 'crypto.randomUUID', () => crypto.randomUUID());
    expect(rec.cursors['Math.random']).toBe(5000);
    expect(rec.cursors['Date.now']).toBe(specials.length);
    rec.end('ok', { code: 0 });

    const bs = batches(journal);
    // 5000 randoms exceed one batch (4096 values), then Date.now, then the UUID.
    expect(bs.map((b) => [b.source, b.seq, b.values.length])).toEqual([
      ['Math.random', 0, 4096],
      ['Math.random', 4096, 904],
      ['Date.now', 5000, specials.length],
      ['crypto.randomUUID', 5000 + specials.length, 1],
    ]);
    expect(bs.every((b) => b.f64 === undefined)).toBe(true);
    expect([...bs[0].values, ...bs[1].values]).toEqual(randoms);
    expect(Object.is(bs[2].values[1], -0)).toBe(true);
    expect(bs[2].values).toEqual(specials);
    expect(bs[3].values).toEqual([uuid]);
    // On disk the numeric batches are binary, the string batch is JSON.
    const raw = fs.readFileSync(journal, 'utf8');
    expect(raw).toContain('"f64":"');
    expect(raw).toContain(`"values":["${uuid}"]`);
  });

  it('number lanes interleave with every other way of recording values: each value keeps its seq, in order', () => {
    const { rec, journal } = newRecorder();
    const src = new RecordingSource(rec);
    const expected: { seq: number; source: string; value: unknown }[] = [];
    const note = (source: string, value: unknown): void => void expected.push({ seq: expected.length, source, value });
    let r = 0;
    const fakeRandom = (): number => (r += 1) / 1e6;
    // A batch of the source is open before its lane exists: the lane continues it.
    note('Math.random', src.nextNumber('random', 'Math.random', 0.5));
    const random = src.numberLane('random', 'Math.random', fakeRandom);
    let t = 1_700_000_000_000;
    const now = src.numberLane('time', 'Date.now', () => t++);
    for (let i = 0; i < 9000; i++) {
      note('Math.random', random());
      if (i % 1000 === 999) note('Date.now', now()); // switches batch: the lane must reopen its own later
      if (i === 4500) note('crypto.randomUUID', src.next('random', 'crypto.randomUUID', () => crypto.randomUUID()));
      if (i === 6000) note('Math.random', src.nextNumber('random', 'Math.random', 0.25)); // the general path, same batch
    }
    expect(rec.steps).toBe(expected.length);
    expect(rec.cursors['Math.random']).toBe(expected.filter((e) => e.source === 'Math.random').length);
    rec.end('ok', { code: 0 });
    const got: { seq: number; source: string; value: unknown }[] = [];
    for (const b of batches(journal)) b.values.forEach((value, k) => got.push({ seq: b.seq + k, source: b.source, value }));
    expect(got).toEqual(expected);
    expect(batches(journal).every((b) => b.values.length <= 4096)).toBe(true);
  });

  it('marks a value whose caller a patch already knows as a library value, even in a lane with no check left', () => {
    const { rec, journal } = newRecorder();
    const src = new RecordingSource(rec);
    let t = 1_700_000_000_000;
    const now = src.numberLane('time', 'Date.now', () => t++);
    libraryChecks.left = 0;
    try {
      now();
      now();
      withKnownCaller(true, now);
      withKnownCaller(false, now);
      now();
    } finally {
      refillLibraryChecks();
    }
    rec.end('ok', { code: 0 });
    expect(batches(journal).map((b) => [b.seq, b.values.length, b.lib === true])).toEqual([
      [0, 2, false],
      [2, 1, true],
      [3, 2, false],
    ]);
  });

  it('propagates the real function’s own errors and records nothing for them', () => {
    const { rec, journal } = newRecorder();
    const src = new RecordingSource(rec);
    expect(() => src.next('random', 'crypto.randomInt', () => crypto.randomInt(5, 3))).toThrow(/range|must be/i);
    rec.end('ok', { code: 0 });
    expect(batches(journal)).toEqual([]);
  });

  it('codecs rebuild the exact values a tape will serve', () => {
    const bytes = crypto.randomBytes(16);
    expect(Buffer.compare(Buffer.from(bytesCodec.decode(bytesCodec.encode(bytes))), bytes)).toBe(0);
    const big = process.hrtime.bigint();
    expect(bigintCodec.decode(bigintCodec.encode(big))).toBe(big);
    const hr = process.hrtime();
    expect(hrtimeCodec.decode(hrtimeCodec.encode(hr))).toEqual(hr);
  });

  it('installs and fully restores every patch', () => {
    const before = {
      random: Math.random,
      Date: globalThis.Date,
      now: Date.now,
      ctor: Date.prototype.constructor,
      perf: performance.now,
      hrtime: process.hrtime,
      uuid: crypto.randomUUID,
      bytes: crypto.randomBytes,
      webGrv: Object.getPrototypeOf(globalThis.crypto).getRandomValues as unknown,
    };
    const { rec } = newRecorder();
    const restore = installDeterminismPatches(new RecordingSource(rec), (where, e) => {
      throw new Error(`${where}: ${String(e)}`);
    });
    try {
      expect(Math.random).not.toBe(before.random);
      expect(globalThis.Date).not.toBe(before.Date);
      expect(Math.random.name).toBe('random');
      expect(crypto.randomBytes.length).toBe(before.bytes.length);
      expect(Object.prototype.hasOwnProperty.call(performance, 'now')).toBe(true);
    } finally {
      restore();
      rec.end('ok', { code: 0 });
    }
    expect(Math.random).toBe(before.random);
    expect(globalThis.Date).toBe(before.Date);
    expect(Date.now).toBe(before.now);
    expect(Date.prototype.constructor).toBe(before.ctor);
    expect(performance.now).toBe(before.perf);
    expect(Object.prototype.hasOwnProperty.call(performance, 'now')).toBe(false);
    expect(process.hrtime).toBe(before.hrtime);
    expect(crypto.randomUUID).toBe(before.uuid);
    expect(crypto.randomBytes).toBe(before.bytes);
    expect(Object.getPrototypeOf(globalThis.crypto).getRandomValues).toBe(before.webGrv);
  });
});
