/**
 * Built-in fetch without AsyncLocalStorage. Node's bundled undici reads the clock for its own timing info, partly
 * after fetch() returned (when the response starts, when the body ends); those reads must not reach the agent's
 * tapes, or recording and replay would disagree on the agent's values. Running fetch in an AsyncLocalStorage
 * "internal" context keeps them out, but an enabled AsyncLocalStorage makes Node track every promise of the process:
 * measured ~0.13 ms per LLM call with the openai client.
 *
 * Instead, the bundled undici is loaded with the two things it reads the agent's clocks through swapped for its
 * load only (it keeps what it took; everyone else keeps the real ones):
 * - `require('node:perf_hooks').performance`: all its `performance.now()` reads (timing info) go to the unpatched
 *   clock;
 * - `require('node:stream').finished`: the callback that reads `Date.now()` at a response body's end runs in the
 *   internal context. Only callbacks on web streams (fetch bodies) are marked.
 * A response without a body (a network error, HEAD, 204...) makes that read directly in fetch's finale, an async
 * continuation that nothing of ours is on: from each fetch() call until its finale, Date.now() checks its caller
 * (`finaleWatch`, `clockReadCaller`). The finale runs before fetch's promise settles, so a fetch that resolved with a
 * body is no longer watched (its read will come from the marked stream callback): a client's clock reads after its
 * fetch resolved cost no stack capture. Other reads happen inside fetch() itself (run with runInternalSync) or in
 * code the agent calls directly (a File's lastModified, a FormData boundary drawn by `new Request`), as without the
 * SDK.
 *
 * IMPORTANT: that list was checked against the source of the bundled undici of Node 20 (undici 6.x); any other
 * runtime keeps AsyncLocalStorage (`knownBundledClocks()` false). A load that did not take both swapped values (the
 * bundled undici was already loaded) keeps it too.
 */
import perfHooks from 'node:perf_hooks';
import stream from 'node:stream';
import { runInternalSync } from '../core/internal.js';
import { isSdkScript, readCallSites } from '../core/stackFrames.js';
import { CALLER_FRAMES, LIBRARY_SCRIPT, firstForeignFile } from '../core/libraryCaller.js';
import { now } from './clock.js';

/** Script URL prefix of Node's bundled undici. */
export const BUNDLED_UNDICI = 'node:internal/deps/undici/';

/** True on a runtime whose bundled undici reads the clocks only where loadBundledContained() contains them. */
export function knownBundledClocks(): boolean {
  return process.versions.node.split('.')[0] === '20' && (process.versions.undici ?? '').split('.')[0] === '6';
}

/**
 * Runs `load` (the first use of a bundled-undici global, which loads it) with the swapped values in place; true when
 * the bundled undici took both while loading, i.e. its clock reads are contained. Never throws more than `load`.
 */
export function loadBundledContained(load: () => void): boolean {
  const ph = perfHooks as unknown as Record<string, unknown>;
  const st = stream as unknown as Record<string, unknown>;
  const perf = Object.getOwnPropertyDescriptor(ph, 'performance');
  const fin = Object.getOwnPropertyDescriptor(st, 'finished');
  if (!perf?.configurable || !fin?.configurable || typeof perf.value !== 'object' || typeof fin.value !== 'function') {
    load();
    return false;
  }
  const standIn = clockFreePerformance(perf.value as object);
  const finished = internalWebFinished(fin.value as (...args: unknown[]) => unknown);
  let tookPerf = false;
  let tookFinished = false;
  try {
    Object.defineProperty(ph, 'performance', { configurable: true, enumerable: perf.enumerable, get: () => ((tookPerf = true), standIn) });
    Object.defineProperty(st, 'finished', { configurable: true, enumerable: fin.enumerable, get: () => ((tookFinished = true), finished) });
    load();
  } finally {
    Object.defineProperty(ph, 'performance', perf);
    Object.defineProperty(st, 'finished', fin);
  }
  return tookPerf && tookFinished;
}

/**
 * Bundled fetch calls that may still make their finale's unmarked read: from the call until it resolved with a body
 * (watchFinale) or its finale's read was seen (clockReadCaller). While any are pending, Date.now() asks
 * clockReadCaller(). A fetch that never reaches its finale (rejected before it started) leaves this above zero:
 * Date.now() then pays one short stack check per read, and still decides exactly.
 */
export const finaleWatch = { pending: 0 };

/**
 * Watches a bundled fetch call (called by the fetch wrapper) and returns the promise to give the agent in place of
 * `response`. Once that resolves with a body, the fetch's finale can make no unmarked read: undici's fetchFinale runs
 * before it settles the promise, and reads the clock synchronously only when there is no body (else in the stream
 * callback that internalWebFinished marks). A response without a body was seen by clockReadCaller already.
 * The agent gets a promise derived from fetch's own, not fetch's with a handler of ours attached: a rejection stays
 * unhandled exactly when the agent leaves it unhandled.
 */
export function watchFinale<R>(response: Promise<R>): Promise<R> {
  finaleWatch.pending++;
  return response.then(resolvedWithBody);
}

function resolvedWithBody<R>(r: R): R {
  try {
    if ((r as { body?: unknown }).body !== null) finaleSeen();
  } catch {
    // Not a Response we can read: stays watched (costs checks, never a wrong answer).
  }
  return r;
}

function finaleSeen(): void {
  if (finaleWatch.pending > 0) finaleWatch.pending--;
}

/** The function of the bundled undici's fetch that reads Date.now() at a response's end (undici 6.x). */
const END_OF_BODY = 'processResponseEndOfBody';

/** Who made a Date.now() read while fetches were pending (clockReadCaller). */
export type ClockReader = 'finale' | 'library' | 'other';

/**
 * For the Date.now() patch while fetches are pending: 'finale' when its caller is the bundled fetch's end-of-body
 * step (that read is then internal, and one pending fetch is done); otherwise whether a client library ('library')
 * or anything else ('other') made the read, from the same stack capture, so the recorder does not capture it again
 * to mark the value (withKnownCaller). A client's own clock reads (openai reads Date.now() around each request,
 * mostly while its fetch is pending) thus cost one capture instead of two.
 */
export function clockReadCaller(): ClockReader {
  const who =
    readCallSites(
      (sites): ClockReader => {
        for (let i = 0; i < sites.length; i++) {
          const f = sites[i].getFileName() ?? '';
          if (isSdkScript(f)) continue;
          if (f.startsWith(BUNDLED_UNDICI) && sites[i].getFunctionName() === END_OF_BODY) return 'finale';
          return LIBRARY_SCRIPT.test(firstForeignFile(sites, i)) ? 'library' : 'other';
        }
        return 'other';
      },
      CALLER_FRAMES,
      clockReadCaller,
    ) ?? 'other';
  if (who === 'finale') finaleSeen();
  return who;
}

/** `performance` whose now() is the unpatched clock; everything else is the real object's. */
function clockFreePerformance(real: object): object {
  return new Proxy(real, {
    get(target, key) {
      if (key === 'now') return now;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** stream.finished whose callback runs in the internal context when the stream is a web stream (a fetch body). */
function internalWebFinished(finished: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return function finishedInternal(this: unknown, ...args: unknown[]): unknown {
    const cb = args[args.length - 1];
    // The global, read here: by the time fetch calls this, its body has loaded web streams (an import of
    // node:stream/web would cost every agent ~5 ms at startup).
    if (args[0] instanceof globalThis.ReadableStream && typeof cb === 'function') {
      // The fetch stopped being watched when it resolved with this body (watchFinale).
      args[args.length - 1] = function (this: unknown, ...a: unknown[]): unknown {
        return runInternalSync(() => (cb as (...x: unknown[]) => unknown).apply(this, a));
      };
    }
    return finished.apply(this, args);
  };
}
