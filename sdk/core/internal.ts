/**
 * The "internal" context. Work done by the recorder itself and by library internals it drives (undici timers,
 * memfs, the journal writer) runs inside `runInternal`, and every determinism patch checks `isInternal()` first so
 * that such work neither consumes the replay tape nor pollutes the recording.
 *
 * isInternal() is on the hot path of every patched Math.random / Date.now. AsyncLocalStorage#getStore costs 16-20 ns
 * inside timer and promise callbacks on Node 20 (a property lookup on resource objects of many shapes), so the
 * answer is cached per execution context: the store of a context (one async id) only changes through runInternal /
 * runExternal, which bump `version`; a context with another async id asks the store again. executionAsyncId() is a
 * read of a shared counter (~1 ns).
 * Ids 0 and 1 (top-level code of an ES module and of the CommonJS main script, which run with no async resource) are
 * cached too: several contexts may share them, but two contexts of one id can only see different stores when a
 * store was set on their resource, and stores are set either by AsyncLocalStorage's init hook (on a new resource,
 * which gets its own id > 1) or by run/exit (which bump version). An agent's top-level loop over Math.random thus
 * pays the store lookup once, not per call.
 *
 * Work that is internal only while it runs (assembling an event, writing the journal, a flush tick) uses
 * runInternalSync: a depth counter, no AsyncLocalStorage. The storage is created on the first runInternal, because
 * an enabled AsyncLocalStorage makes Node track every promise of the process (measured: importing `openai` took
 * 28 ms longer on Node 20); an agent pays for that only from its first fetch, async file write or replay on.
 */
import { AsyncLocalStorage, executionAsyncId } from 'node:async_hooks';

let als: AsyncLocalStorage<boolean> | undefined;
/** Nesting of runInternalSync sections on the current stack. */
let depth = 0;
let version = 0;
let cachedId = -1;
let cachedVersion = -1;
let cachedInternal = false;

/** True while running recorder/library-internal work (any async continuation of it included). */
export function isInternal(): boolean {
  if (depth > 0) return true;
  if (als === undefined) return false;
  const id = executionAsyncId();
  if (id === cachedId && cachedVersion === version) return cachedInternal;
  cachedId = id;
  cachedVersion = version;
  cachedInternal = als.getStore() === true;
  return cachedInternal;
}

/** Runs fn (and everything it schedules) in the internal context. */
export function runInternal<T>(fn: () => T): T {
  als ??= new AsyncLocalStorage<boolean>();
  version++;
  try {
    return als.run(true, fn);
  } finally {
    version++;
  }
}

/**
 * Runs fn in the internal context, but not what it schedules: timers, promises and callbacks it starts run in the
 * caller's context. For synchronous work only (or work whose callbacks mark themselves).
 */
export function runInternalSync<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}

/**
 * Runs fn marked internal or not, as the code that `internal` was taken for (a callback back into whoever issued a
 * request, possibly called while the recorder's dispatch is still on the stack). The AsyncLocalStorage context,
 * when there is one, is the caller's business (AsyncResource.runInAsyncScope).
 */
export function runMarked<T>(internal: boolean, fn: () => T): T {
  const outer = depth;
  depth = internal ? 1 : 0;
  try {
    return fn();
  } finally {
    depth = outer;
  }
}

/** Runs fn outside the internal context (e.g. a user callback invoked from internal code). */
export function runExternal<T>(fn: () => T): T {
  const outer = depth;
  depth = 0;
  version++;
  try {
    return als === undefined ? fn() : als.exit(fn);
  } finally {
    depth = outer;
    version++;
  }
}
