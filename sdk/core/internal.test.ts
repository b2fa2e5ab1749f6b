// The internal context answers correctly in every kind of execution context, with its per-context cache: sync code,
// timers and promise continuations started inside or outside runInternal, runExternal within it, errors, and
// contexts that alternate (the cache must never answer for the wrong one).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isInternal, runExternal, runInternal, runInternalSync } from './internal.js';

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

  it('runInternalSync marks only the synchronous work: what it schedules runs in the caller\'s context', async () => {
    const seen: Record<string, boolean> = {};
    const later: Promise<void>[] = [];
    runInternalSync(() => {
      seen.sync = isInternal();
      seen.nestedExternal = runExternal(() => isInternal());
      seen.afterExternal = isInternal();
      later.push(new Promise<void>((r) => setTimeout(() => ((seen.timer = isInternal()), r()), 1)));
      later.push(Promise.resolve().then(() => void (seen.microtask = isInternal())));
    });
    seen.after = isInternal();
    expect(() =>
      runInternalSync(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    seen.afterThrow = isInternal();
    seen.insideAsyncInternal = await runInternal(async () => {
      await tick();
      return runInternalSync(() => isInternal()) && isInternal();
    });
    await Promise.all(later);
    expect(seen).toEqual({ sync: true, nestedExternal: false, afterExternal: true, after: false, afterThrow: false, timer: false, microtask: false, insideAsyncInternal: true });
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

// Top-level code runs with async id 1 (CommonJS main script) or 0 (ES module top level); the cache answers for these
// ids too, so they get a process of their own. Each check alternates internal and external work, sync and async.
describe('isInternal at the top level of a script', () => {
  const internalPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'internal.ts');
  const script = `
    const out = [];
    const check = (label) => out.push([label, executionAsyncId() <= 1 ? 'top' : 'async', isInternal(), runInternal(() => isInternal()), isInternal(),
      runInternal(() => runExternal(() => isInternal())), runInternal(() => [isInternal(), isInternal()]).join(), isInternal()]);
    check('first');
    const internalLater = runInternal(() => new Promise((r) => setTimeout(() => r(isInternal()), 1)));
    const externalLater = new Promise((r) => setTimeout(() => r(isInternal()), 1));
    const internalMicro = runInternal(() => Promise.resolve().then(() => isInternal()));
    for (let i = 0; i < 3; i++) check('loop ' + i);
    process.on('exit', () => { check('exit'); console.log(JSON.stringify(out)); });
    Promise.all([internalLater, externalLater, internalMicro]).then((v) => { out.push(['continuations', ...v]); check('after'); });
  `;
  const top = (label: string): unknown[] => [label, 'top', false, true, false, false, 'true,true', false];
  const run = async (args: string[]): Promise<unknown> => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    return JSON.parse(stdout) as unknown;
  };
  const expected = [
    top('first'),
    top('loop 0'),
    top('loop 1'),
    top('loop 2'),
    ['continuations', true, false, true],
    ['after', 'async', false, true, false, false, 'true,true', false],
    // The exit listener runs outside any async resource.
    [expect.any(String) as unknown, expect.any(String) as unknown, false, true, false, false, 'true,true', false],
  ];

  it('CommonJS main script (async id 1)', async () => {
    const cjs = `const { executionAsyncId } = require('node:async_hooks'); const { isInternal, runInternal, runExternal } = require(${JSON.stringify(internalPath)});\n${script}`;
    expect(await run(['--import', 'tsx', '-e', cjs])).toEqual(expected);
  });

  it('ES module top level (async id 0)', async () => {
    const esm = `import { executionAsyncId } from 'node:async_hooks'; import { isInternal, runInternal, runExternal } from ${JSON.stringify(internalPath)};\n${script}`;
    expect(await run(['--import', 'tsx', '--input-type=module', '-e', esm])).toEqual(expected);
  });
});
