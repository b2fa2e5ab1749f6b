/**
 * User-added globals for keyframes: enumerable names on globalThis that were not there when the SDK started (what
 * the agent's `globalThis.memory = ...` and sloppy-mode assignments create), bounded and read without running getters.
 * Enumerable names only: listing every own name of the global object (~125 on Node 20, nearly all non-enumerable
 * built-ins) cost ~6 us per keyframe hot and ~45 us in a running agent, against ~1 us for the enumerable ones; a global
 * the agent defines non-enumerable on purpose (Object.defineProperty) is not shown.
 */
import type { Json } from '../../src/shared/trace/types.js';
import { GLOBALS_BOUNDS, Budget, boundedJson } from './boundedJson.js';

const MAX_GLOBALS = 50;
const GLOBALS_CHARS = 64 * 1024;

/**
 * Names present at startup. Taken now and completed once the register's other installers have run (a microtask
 * runs before the agent's main module starts), so globals added by the SDK itself are not reported.
 */
export function globalsBaseline(): Set<string> {
  const names = new Set(Object.getOwnPropertyNames(globalThis));
  queueMicrotask(() => {
    for (const n of Object.getOwnPropertyNames(globalThis)) names.add(n);
  });
  return names;
}

export function userGlobals(baseline: Set<string>): Record<string, Json> {
  const out: Record<string, Json> = {};
  const budget = new Budget(GLOBALS_CHARS);
  let n = 0;
  for (const name of Object.keys(globalThis)) {
    if (baseline.has(name)) continue;
    if (n++ >= MAX_GLOBALS || budget.chars > budget.max) {
      out['…'] = '[more globals left out]';
      break;
    }
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    out[name] = d && 'value' in d ? boundedJson(d.value, GLOBALS_BOUNDS, budget) : '[Getter]';
  }
  return out;
}
