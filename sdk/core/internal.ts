/**
 * The "internal" context. Work done by the recorder itself and by library internals it drives (undici timers,
 * memfs, the journal writer) runs inside `runInternal`, and every determinism patch checks `isInternal()` first so
 * that such work neither consumes the replay tape nor pollutes the recording.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const als = new AsyncLocalStorage<boolean>();

/** True while running recorder/library-internal work (any async continuation of it included). */
export function isInternal(): boolean {
  return als.getStore() === true;
}

/** Runs fn (and everything it schedules) in the internal context. */
export function runInternal<T>(fn: () => T): T {
  return als.run(true, fn);
}

/** Runs fn outside the internal context (e.g. a user callback invoked from internal code). */
export function runExternal<T>(fn: () => T): T {
  return als.exit(fn);
}
