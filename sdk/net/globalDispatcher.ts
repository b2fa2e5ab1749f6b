import { runInternalSync } from '../core/internal.js';
import { readCallSites } from '../core/stackFrames.js';
import { BUNDLED_UNDICI, knownBundledClocks, loadBundledContained } from './bundledClocks.js';

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
  sdkSlotGetter = get;
}

let clocksContained = false;
/** The accessor installLazyGlobalDispatcher put in the slots (a replay's dispatcher, which reads no clock itself). */
let sdkSlotGetter: (() => unknown) | undefined;

/**
 * True once the bundled undici was loaded here with its clock reads contained (bundledClocks.ts): its fetch then
 * needs no AsyncLocalStorage.
 */
export function bundledClocksContained(): boolean {
  return clocksContained;
}

/** Globals whose first read loads Node's bundled undici (lazy accessors; the last two behind experimental flags). */
const BUNDLED_GLOBALS = ['Headers', 'Request', 'Response', 'FormData', 'MessageEvent', 'WebSocket', 'EventSource'];

/**
 * Makes the global dispatcher the Agent of Node's bundled undici (the one built-in fetch uses when nothing is
 * installed) wrapped by `wrap`, or `fallback()`'s dispatcher when there is no such Agent. Measured on Node 20: a call
 * through an npm undici Agent stacked under built-in fetch costs ~0.5 ms more than through the bundled one, and
 * loading npm undici's Agent ~25 ms at the first call.
 *
 * The bundled undici is loaded on the first use of fetch or of one of its globals, and installs its own Agent in the
 * first slot only if the slot is empty at that moment; it cannot be reached any other way. So: until then, both
 * slots are accessors. Read by the bundled undici while it loads, they answer "empty" (it then installs its Agent,
 * replacing the first accessor); read by anyone else (an npm undici loading), they load the bundled undici first.
 * Either way the Agent is taken from the slot and wrapped before any request can use it: the returned `adopt` is
 * called by the fetch wrapper before each call until done, the bundled globals are wrapped to adopt on first read,
 * and a load from elsewhere adopts at the next microtask.
 */
export function installBundledGlobalDispatcher(wrap: (agent: unknown) => unknown, fallback: () => unknown): () => void {
  const g = globalThis as Record<PropertyKey, unknown>;
  let dispatcher: unknown;
  let adopting = false;
  let done = false;
  /** The bundled undici read the slot while loading (not through adopt): the Agent it put there is ours to wrap. */
  let leftToBundled = false;
  // Loading is library work: nothing it reads is the agent's.
  const load = (): void => void runInternalSync(() => g.Headers);
  const loadContained = (): void => {
    if (knownBundledClocks()) clocksContained = loadBundledContained(load);
    else load();
  };
  const adopt = (): void => {
    if (done || adopting) return;
    // A dispatcher installed over ours since (replay's, the agent's own) is left alone. Under the replay's, which
    // reads no clock of its own, the bundled undici is still loaded here with its clocks contained, so that a replayed
    // fetch needs no AsyncLocalStorage either; under the agent's, its fetch runs in the internal context as a whole.
    const slotGetter = Object.getOwnPropertyDescriptor(g, GLOBAL_DISPATCHER[0])?.get;
    if (slotGetter !== get && !leftToBundled) {
      done = true;
      if (slotGetter !== undefined && slotGetter === sdkSlotGetter) {
        try {
          loadContained();
        } catch {
          // As below: never into the agent; its fetch then runs in the internal context.
        }
      }
      return;
    }
    adopting = true;
    try {
      try {
        loadContained();
        const agent = Object.getOwnPropertyDescriptor(g, GLOBAL_DISPATCHER[0])?.value as { compose?: unknown } | undefined;
        dispatcher = typeof agent?.compose === 'function' ? wrap(agent) : undefined;
      } catch {
        // Never into the agent (this runs inside its fetch, or its import of undici): the fallback records instead.
      }
      dispatcher ??= fallback();
      if (dispatcher !== undefined) for (const s of GLOBAL_DISPATCHER) setSlot(g, s, dispatcher);
    } finally {
      adopting = false;
      done = true;
    }
  };
  const get = (): unknown => {
    if (adopting) return undefined;
    if (loadedByBundled()) {
      leftToBundled = true;
      queueMicrotask(adopt);
      return undefined;
    }
    adopt();
    return dispatcher;
  };
  const set = (v: unknown): void => {
    dispatcher = v;
    for (const s of GLOBAL_DISPATCHER) setSlot(g, s, v);
  };
  for (const s of GLOBAL_DISPATCHER) Object.defineProperty(g, s, { get, set, configurable: true, enumerable: false });
  for (const name of BUNDLED_GLOBALS) {
    const d = Object.getOwnPropertyDescriptor(g, name);
    const lazy = d?.get;
    if (!d?.configurable || !lazy) continue;
    Object.defineProperty(g, name, {
      ...d,
      get(this: unknown) {
        adopt();
        return lazy.call(this);
      },
    });
  }
  return adopt;
}

/** Sets a slot, whichever form it has now (our accessor, or the bundled undici's non-configurable value). */
function setSlot(g: Record<PropertyKey, unknown>, slot: symbol, value: unknown): void {
  const d = Object.getOwnPropertyDescriptor(g, slot);
  if (d && !d.configurable) g[slot] = value;
  else Object.defineProperty(g, slot, { value, writable: true, configurable: true, enumerable: false });
}

/** True when the current read of a slot comes from Node's bundled undici (it reads the slot once, as it loads). */
function loadedByBundled(): boolean {
  return readCallSites((sites) => sites.some((s) => (s.getFileName() ?? '').startsWith(BUNDLED_UNDICI)), 10, loadedByBundled) === true;
}
