/**
 * The undici global dispatcher slots (Node's bundled undici and the npm package read the same symbols), and a lazy
 * accessor for them: the dispatcher is created on first use, since loading undici costs ~28 ms at startup.
 */
export const GLOBAL_DISPATCHER = [Symbol.for('undici.globalDispatcher.1'), Symbol.for('undici.globalDispatcher.2')];

/**
 * Makes both global dispatcher slots return `create()`'s dispatcher, created once on first read. Configurable, so
 * undici's own setGlobalDispatcher (defineProperty) still works when the agent installs one: that one is then used
 * as is. The guard keeps a read of the global during undici's own loading from recursing.
 */
export function installLazyGlobalDispatcher(create: () => unknown): void {
  const g = globalThis as Record<symbol, unknown>;
  let dispatcher: unknown;
  let creating = false;
  const get = (): unknown => {
    if (dispatcher === undefined && !creating) {
      creating = true;
      try {
        dispatcher = create();
      } finally {
        creating = false;
      }
    }
    return dispatcher;
  };
  const set = (v: unknown): void => {
    dispatcher = v;
  };
  for (const s of GLOBAL_DISPATCHER) Object.defineProperty(g, s, { get, set, configurable: true, enumerable: false });
}
