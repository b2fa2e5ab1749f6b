/**
 * Shared by the Math.random benchmarks (determinism.ts: recorded, replayRandom.ts: replayed): a throwaway run's
 * metadata, the other value sources an agent touches, and the timing loop with its median.
 */
import crypto from 'node:crypto';
import { TRACE_FORMAT_VERSION, type RunMeta } from '../src/shared/trace/types.js';

/** The real clock, taken at import, before any patch: the timing must not read (or consume) a tape. */
const hrBigint = process.hrtime.bigint.bind(process.hrtime);

export function benchMeta(mode: RunMeta['mode']): RunMeta {
  return {
    id: 'bench',
    scriptPath: 'bench',
    scriptSha256: '',
    argv: [],
    cwd: process.cwd(),
    env: {},
    nodeVersion: process.version,
    sdkVersion: 'bench',
    formatVersion: TRACE_FORMAT_VERSION,
    mode,
    keyframeEvery: 10,
    startedAt: Date.now(),
    pid: process.pid,
  };
}

/**
 * Touches every other value source `times` times, as an agent would: the shared recording path then sees several
 * sources (polymorphic), which is the realistic case, not the flattering single-source one.
 */
export function touchSources(times: number): void {
  for (let i = 0; i < times; i++) {
    Date.now();
    void new Date();
    performance.now();
    process.hrtime();
    crypto.randomUUID();
    crypto.randomBytes(8);
  }
}

/** ns per call of fn over `calls` calls; the sum keeps the calls from being optimised away. */
export function timeLoop(fn: () => number, calls: number): number {
  let sum = 0;
  const t0 = hrBigint();
  for (let i = 0; i < calls; i++) sum += fn();
  const ns = Number(hrBigint() - t0);
  if (sum < 0) throw new Error('unreachable');
  return ns / calls;
}

/** The middle value (the upper one of an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
