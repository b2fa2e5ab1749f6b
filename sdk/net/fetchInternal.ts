/**
 * Runs the machinery of Node's built-in fetch in the internal context. Its bundled undici reads
 * `performance.now()` and `Date.now()` for its own timing; without this those reads would land on the agent's
 * clock tape and differ between recording and replay. Safe for the agent: its code only sees fetch through
 * promises, whose continuations run in the context of the awaiting (agent) code.
 * When the bundled undici's later reads are contained where it was loaded (bundledClocks.ts), only fetch()'s own
 * synchronous part needs marking: no AsyncLocalStorage.
 */
import { runInternal, runInternalSync } from '../core/internal.js';
import { watchFinale } from './bundledClocks.js';
import { bundledClocksContained } from './globalDispatcher.js';

/** `beforeCall` runs before each call (the recorder takes the global undici dispatcher there on the first one). */
export function installFetchInternal(beforeCall: () => void): void {
  const origFetch = globalThis.fetch;
  if (typeof origFetch !== 'function') return;
  const wrapped = function fetch(this: unknown, ...args: Parameters<typeof origFetch>): ReturnType<typeof origFetch> {
    beforeCall();
    const call = (): ReturnType<typeof origFetch> => origFetch.apply(this, args);
    if (!bundledClocksContained()) return runInternal(call);
    return watchFinale(runInternalSync(call));
  };
  Object.defineProperty(wrapped, 'length', { value: origFetch.length });
  globalThis.fetch = wrapped as typeof origFetch;
}
