// The internal context answers correctly in every kind of execution context, with its per-context cache: sync code,
// timers and promise continuations started inside or outside runInternal, runExternal within it, errors, and
// contexts that alternate (the cache must never answer for the wrong one).
import { describe, expect, it } from 'vitest';
import { isInternal, runExternal, runInternal } from './internal.js';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

describe('isInternal', () => {
  it('is true inside runInternal only, and back to false after it returns or throws', () => {
    expect(isInternal()).toBe(false);
    expect(runInternal(() => isInternal())).toBe(true);
    expect(isInternal()).toBe(false);
    expect(() =>
      runInternal(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isInternal()).toBe(false);
    expect(runInternal(() => [isInternal(), runExternal(() => isInternal()), isInternal()])).toEqual([true, false, true]);
  });

  it('follows async continuations: internal work stays internal, user work stays external', async () => {
    const seen: Record<string, boolean> = {};
    const userTimer = new Promise<void>((r) =>
      setTimeout(() => {
        seen.userTimer = isInternal();
        r();
      }, 5),
    );
    const internalWork = runInternal(async () => {
      seen.internalSync = isInternal();
      await tick();
      seen.internalAfterAwait = isInternal();
      await new Promise<void>((r) =>
        setTimeout(() => {
          seen.internalTimer = isInternal();
          r();
        }, 1),
      );
      await Promise.resolve();
      seen.internalMicrotask = isInternal();
      const user = await runExternal(async () => {
        await tick();
        return isInternal();
      });
      seen.userCallbackFromInternal = user;
    });
    seen.callerAfterRunInternal = isInternal();
    await tick();
    seen.userAfterAwait = isInternal();
    await Promise.all([internalWork, userTimer]);
    seen.userAtEnd = isInternal();
    expect(seen).toEqual({
      internalSync: true,
      callerAfterRunInternal: false,
      userAfterAwait: false,
      internalAfterAwait: true,
      internalTimer: true,
      internalMicrotask: true,
      userCallbackFromInternal: false,
      userTimer: false,
      userAtEnd: false,
    });
  });

  it('never answers for another context: internal and user timers interleaved many times', async () => {
    const wrong: string[] = [];
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      const internal = i % 2 === 0;
      const check = (): void => {
        for (let k = 0; k < 3; k++) if (isInternal() !== internal) wrong.push(`job ${i} call ${k}`);
      };
      const job = (): Promise<void> =>
        new Promise<void>((r) =>
          setTimeout(() => {
            check();
            void Promise.resolve().then(() => {
              check();
              r();
            });
          }, i % 7),
        );
      jobs.push(internal ? runInternal(job) : job());
    }
    await Promise.all(jobs);
    expect(wrong).toEqual([]);
  });
});
