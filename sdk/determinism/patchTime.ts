/**
 * Patch points for clocks: `Date` (a Proxy over the original constructor), `Date.now`, `performance.now`,
 * `process.hrtime` and `process.hrtime.bigint`.
 * The Date Proxy intercepts only the two clock reads of the constructor: `new Date()` with no argument and the call
 * form `Date()`. Everything else reaches the original untouched: `new Date(x)`, `Date.parse`, `Date.UTC`,
 * `Date.prototype` (same object), `instanceof Date` (the Proxy forwards `prototype`), subclassing (`newTarget` is
 * forwarded) and `new Date().constructor === Date` (the prototype's constructor points at the Proxy).
 */
import { isInternal } from '../core/internal.js';
import { clockReadCaller, finaleWatch } from '../net/bundledClocks.js';
import { withKnownCaller } from '../core/libraryCaller.js';
import type { AnyFn, Patcher } from './patcher.js';
import { copyIdentity } from './patcher.js';
import { bigintCodec, hrtimeCodec, type ValueSource } from './valueSource.js';

export function patchTime(p: Patcher, src: ValueSource): void {
  patchDate(p, src);

  const perf = globalThis.performance as { now(): number } | undefined;
  if (perf && typeof perf.now === 'function') {
    const realNow = perf.now.bind(perf);
    // An own property on the shared instance shadows Performance.prototype.now; `perf_hooks.performance` is the
    // same object, so named imports see it too.
    p.wrap<AnyFn>(perf, 'now', (original) => {
      const next = src.numberLane('time', 'performance.now', realNow);
      return function now(this: unknown): number {
        if (isInternal()) return original.call(this) as number;
        return next();
      };
    });
  }

  const origHrtime = process.hrtime;
  const origBigint = process.hrtime.bigint;
  const hrtime = function hrtime(time?: [number, number]): [number, number] {
    if (isInternal()) return origHrtime(time);
    return src.next('time', 'process.hrtime', () => origHrtime(time), hrtimeCodec);
  };
  const bigint = function bigint(): bigint {
    if (isInternal()) return origBigint();
    return src.next('time', 'process.hrtime.bigint', origBigint, bigintCodec);
  };
  copyIdentity(hrtime, origHrtime);
  copyIdentity(bigint, origBigint);
  (hrtime as unknown as { bigint: AnyFn }).bigint = bigint;
  p.set(process, 'hrtime', hrtime);
}

function patchDate(p: Patcher, src: ValueSource): void {
  const OrigDate = Date;
  const origNow = OrigDate.now;

  const proxy = new Proxy(OrigDate, {
    construct(target, args, newTarget): object {
      if (args.length === 0 && !isInternal()) {
        const t = src.nextNumber('time', 'new Date', origNow());
        return Reflect.construct(target, [t], newTarget) as object;
      }
      return Reflect.construct(target, args, newTarget) as object;
    },
    apply(target, thisArg, args): string {
      if (isInternal()) return Reflect.apply(target, thisArg, args) as string;
      // Date() ignores its arguments and returns the current time as a string, i.e. new Date(now).toString().
      const t = src.nextNumber('time', 'Date()', origNow());
      return new target(t).toString();
    },
  });

  p.wrap(OrigDate, 'now', (original) => {
    const next = src.numberLane('time', 'Date.now', original);
    return function now(): number {
      if (isInternal()) return original();
      if (finaleWatch.pending > 0) {
        const who = clockReadCaller();
        if (who === 'finale') return original();
        return withKnownCaller(who === 'library', next);
      }
      return next();
    };
  });
  p.set(OrigDate.prototype, 'constructor', proxy);
  p.set(globalThis, 'Date', proxy);
}
