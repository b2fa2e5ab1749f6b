/**
 * Runs the machinery of Node's built-in fetch in the internal context. Its bundled undici reads
 * `performance.now()` and `Date.now()` for its own timing; without this those reads would land on the agent's
 * clock tape and differ between recording and replay. Safe for the agent: its code only sees fetch through
 * promises, whose continuations run in the context of the awaiting (agent) code.
 */
import { runInternal } from '../core/internal.js';

/** `beforeCall` runs before each call (the recorder takes the global undici dispatcher there on the first one). */
export function installFetchInternal(beforeCall: () => void): void {
  const origFetch = globalThis.fetch;
  if (typeof origFetch !== 'function') return;
  const wrapped = function fetch(this: unknown, ...args: Parameters<typeof origFetch>): ReturnType<typeof origFetch> {
    beforeCall();
    return runInternal(() => origFetch.apply(this, args));
  };
  Object.defineProperty(wrapped, 'length', { value: origFetch.length });
  globalThis.fetch = wrapped as typeof origFetch;
}
