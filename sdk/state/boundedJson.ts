/**
 * Bounded JSON views of live values, for tracked state, user globals, step inputs/outputs and captured locals.
 * Never throws, never recurses without bound, and handles cycles, functions, Maps/Sets, BigInt and class instances.
 *
 * Two modes:
 * - `data` (tracked state, step I/O): mirrors JSON.stringify where JSON is defined (toJSON, own enumerable keys,
 *   undefined/functions omitted in objects and null in arrays) so a tracked plain object's view equals
 *   JSON.parse(JSON.stringify(obj)); extends it where JSON throws or loses data (cycles, BigInt, Map, Set).
 * - `inspect` (locals, globals): side-effect free. No getters, no toJSON, no Proxy traps are run, because it runs
 *   while the agent is paused inside the inspector and must not change what the agent does next.
 *
 * IMPORTANT: Error objects are shown as {name, message} and `.stack` is never read: formatting an error's stack
 * early makes Node print a different source line for an uncaught rejection (V8 drops the call sites once the
 * stack is formatted), and the SDK must not change the agent's stderr.
 */
import { types } from 'node:util';
import type { Json } from '../../src/shared/trace/types.js';

export interface BoundOptions {
  mode: 'data' | 'inspect';
  /** Nesting depth below the root that is expanded. */
  maxDepth: number;
  /** Keys of one object / items of one array kept. */
  maxKeys: number;
  /** Longest string kept (longer ones are cut with a marker). */
  maxString: number;
  /** Approximate total size budget in characters. */
  maxChars: number;
}

export const DATA_BOUNDS: BoundOptions = { mode: 'data', maxDepth: 12, maxKeys: 1000, maxString: 64 * 1024, maxChars: 1024 * 1024 };
export const LOCALS_BOUNDS: BoundOptions = { mode: 'inspect', maxDepth: 3, maxKeys: 50, maxString: 2000, maxChars: 32 * 1024 };
/** Module-level variables of top-level frames: mostly imports and clients, kept shallow. */
export const MODULE_LOCALS_BOUNDS: BoundOptions = { mode: 'inspect', maxDepth: 1, maxKeys: 20, maxString: 500, maxChars: 4 * 1024 };
export const GLOBALS_BOUNDS: BoundOptions = { mode: 'inspect', maxDepth: 2, maxKeys: 30, maxString: 500, maxChars: 8 * 1024 };

/** Marker for a value left out of a view (its JSON stand-in). */
export const OMIT = Symbol('omit');

/** A size budget shared by several views (all locals of one capture). */
export class Budget {
  chars = 0;
  constructor(readonly max: number) {}
  take(n: number): boolean {
    this.chars += n;
    return this.chars <= this.max;
  }
}

/** A bounded JSON view of `value`. In data mode a value JSON would drop at the root gives null. */
export function boundedJson(value: unknown, opts: BoundOptions, budget?: Budget): Json {
  const out = walk(value, opts, 0, new Set<object>(), budget ?? new Budget(opts.maxChars), false);
  return out === OMIT ? null : out;
}

function walk(v: unknown, o: BoundOptions, depth: number, seen: Set<object>, budget: Budget, inArray: boolean): Json | typeof OMIT {
  try {
    return walkUnsafe(v, o, depth, seen, budget, inArray);
  } catch {
    // A throwing toJSON/getter/proxy trap: keep a marker instead of the value, never the exception.
    return '[Unreadable]';
  }
}

function walkUnsafe(v: unknown, o: BoundOptions, depth: number, seen: Set<object>, budget: Budget, inArray: boolean): Json | typeof OMIT {
  switch (typeof v) {
    case 'string':
      budget.take(v.length + 2);
      return v.length > o.maxString ? `${v.slice(0, o.maxString)}…[+${v.length - o.maxString} chars]` : v;
    case 'number':
      budget.take(8);
      return Number.isFinite(v) ? v : String(v);
    case 'boolean':
      budget.take(5);
      return v;
    case 'bigint':
      budget.take(16);
      return `${v.toString()}n`;
    case 'undefined':
      if (o.mode === 'inspect') return '[undefined]';
      return inArray ? null : OMIT;
    case 'symbol':
      if (o.mode === 'inspect') return v.toString();
      return inArray ? null : OMIT;
    case 'function':
      if (o.mode === 'inspect') return `[Function ${v.name || 'anonymous'}]`;
      return inArray ? null : OMIT;
  }
  if (v === null) return null;
  const obj = v as object;
  if (o.mode === 'inspect' && types.isProxy(obj)) return '[Proxy]';
  if (seen.has(obj)) return '[Circular]';
  if (budget.chars > budget.max) return '[Truncated]';

  const special = specialValue(obj, o);
  if (special !== undefined) return special;

  if (o.mode === 'data' && typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    const j = (obj as { toJSON: (k: string) => unknown }).toJSON('');
    if (j !== obj) return walk(j, o, depth, seen, budget, inArray);
  }
  if (depth >= o.maxDepth) return Array.isArray(obj) ? `[Array(${obj.length})]` : `[${className(obj)}]`;

  seen.add(obj);
  try {
    if (Array.isArray(obj)) return walkArray(obj, o, depth, seen, budget);
    if (obj instanceof Map) {
      const out: { [k: string]: Json } = {};
      let n = 0;
      for (const [k, val] of obj) {
        if (n++ >= o.maxKeys || budget.chars > budget.max) {
          out['…'] = `[+${obj.size - o.maxKeys} entries]`;
          break;
        }
        const item = walk(val, o, depth + 1, seen, budget, false);
        if (item !== OMIT) out[typeof k === 'string' ? k : String(k)] = item;
      }
      return out;
    }
    if (obj instanceof Set) return walkArray([...obj].slice(0, o.maxKeys + 1), o, depth, seen, budget);
    return walkObject(obj, o, depth, seen, budget);
  } finally {
    seen.delete(obj);
  }
}

function walkArray(arr: unknown[], o: BoundOptions, depth: number, seen: Set<object>, budget: Budget): Json {
  const out: Json[] = [];
  const n = Math.min(arr.length, o.maxKeys);
  for (let i = 0; i < n; i++) {
    if (budget.chars > budget.max) {
      out.push('[Truncated]');
      return out;
    }
    // In inspect mode read through the descriptor: an accessor index must not run.
    const item = readProp(arr, i, o);
    const w = walk(item, o, depth + 1, seen, budget, true);
    out.push(w === OMIT ? null : w);
  }
  if (arr.length > n) out.push(`[+${arr.length - n} items]`);
  return out;
}

function walkObject(obj: object, o: BoundOptions, depth: number, seen: Set<object>, budget: Budget): Json {
  const out: { [k: string]: Json } = {};
  const keys = Object.keys(obj);
  const n = Math.min(keys.length, o.maxKeys);
  for (let i = 0; i < n; i++) {
    if (budget.chars > budget.max) {
      out['…'] = '[Truncated]';
      return out;
    }
    const k = keys[i];
    budget.take(k.length + 3);
    const val = readProp(obj, k, o);
    const w = walk(val, o, depth + 1, seen, budget, false);
    if (w !== OMIT) out[k] = w;
  }
  if (keys.length > n) out['…'] = `[+${keys.length - n} keys]`;
  return out;
}

/** A property value: in inspect mode without running a getter; a throwing getter gives a marker. */
function readProp(obj: object, key: string | number, o: BoundOptions): unknown {
  try {
    return o.mode === 'inspect' ? readOwn(obj, String(key)) : (obj as Record<string | number, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

/** An own property's value without running a getter (accessors show as a marker). */
function readOwn(obj: object, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(obj, key);
  if (!d) return undefined;
  return 'value' in d ? d.value : '[Getter]';
}

/** Values shown as one string or a small object regardless of mode; undefined when not special. */
function specialValue(obj: object, o: BoundOptions): Json | undefined {
  const tag = Object.prototype.toString.call(obj);
  if (tag === '[object Date]') {
    // Through the prototype methods: no construction (Date may be patched for determinism), no user toJSON.
    const t = Date.prototype.getTime.call(obj);
    return Number.isFinite(t) ? Date.prototype.toISOString.call(obj) : null;
  }
  if (types.isNativeError(obj) || obj instanceof Error) {
    const e = obj as Error;
    const name = readOwnOrProto(e, 'name');
    const message = readOwnOrProto(e, 'message');
    return { name: typeof name === 'string' ? name : 'Error', message: typeof message === 'string' ? message.slice(0, o.maxString) : '' };
  }
  if (Buffer.isBuffer(obj)) return `[Buffer ${obj.byteLength} bytes]`;
  if (ArrayBuffer.isView(obj)) return `[${className(obj)}(${(obj as ArrayBufferView).byteLength} bytes)]`;
  if (obj instanceof ArrayBuffer) return `[ArrayBuffer(${obj.byteLength} bytes)]`;
  if (types.isPromise(obj)) return '[Promise]';
  if (obj instanceof WeakMap || obj instanceof WeakSet || obj instanceof WeakRef) return `[${className(obj)}]`;
  if (obj instanceof RegExp) return o.mode === 'data' ? {} : String(obj);
  if (o.mode === 'inspect' && (obj === globalThis || obj === process)) return `[${obj === process ? 'process' : 'globalThis'}]`;
  return undefined;
}

/** A data property read along the prototype chain without running getters (Error name/message). */
function readOwnOrProto(obj: object, key: string): unknown {
  for (let p: object | null = obj; p; p = Object.getPrototypeOf(p) as object | null) {
    const d = Object.getOwnPropertyDescriptor(p, key);
    if (d) return 'value' in d ? d.value : undefined;
  }
  return undefined;
}

function className(obj: object): string {
  const proto = Object.getPrototypeOf(obj) as { constructor?: { name?: unknown } } | null;
  const name = proto?.constructor?.name;
  return typeof name === 'string' && name ? name : 'Object';
}
