/**
 * Tracked-state deltas: diff two JSON values into set/del ops, and apply ops. Used by the SDK (to record deltas
 * between keyframes), the store (state at step k = keyframe + deltas) and the inspector ("changed since previous").
 */
import type { Json, StateOp } from '../trace/types.js';

type Path = (string | number)[];

function isObject(v: Json): v is { [key: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Ops that turn `prev` into `next`. Arrays that change length are replaced whole below the first level. */
export function diffJson(prev: Json | undefined, next: Json, path: Path = [], out: StateOp[] = []): StateOp[] {
  if (prev === undefined) {
    out.push({ op: 'set', path, value: next });
    return out;
  }
  if (isObject(prev) && isObject(next)) {
    for (const k of Object.keys(prev)) if (!(k in next)) out.push({ op: 'del', path: [...path, k] });
    for (const [k, v] of Object.entries(next)) {
      if (!(k in prev)) out.push({ op: 'set', path: [...path, k], value: v });
      else diffJson(prev[k], v, [...path, k], out);
    }
    return out;
  }
  if (Array.isArray(prev) && Array.isArray(next) && prev.length === next.length) {
    next.forEach((v, i) => diffJson(prev[i], v, [...path, i], out));
    return out;
  }
  if (Array.isArray(prev) && Array.isArray(next) && next.length > prev.length && prev.every((v, i) => jsonEqual(v, next[i]))) {
    for (let i = prev.length; i < next.length; i++) out.push({ op: 'set', path: [...path, i], value: next[i] });
    return out;
  }
  if (!jsonEqual(prev, next)) out.push({ op: 'set', path, value: next });
  return out;
}

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ao = a as { [key: string]: Json };
  const bo = b as { [key: string]: Json };
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => k in bo && jsonEqual(ao[k], bo[k]));
}

/** Applies ops to a value, returning a new value (the input is not mutated). */
export function applyOps(base: Json | undefined, ops: StateOp[]): Json | undefined {
  let root: Json | undefined = base === undefined ? undefined : structuredCloneJson(base);
  for (const op of ops) {
    if (op.path.length === 0) {
      root = op.op === 'set' ? structuredCloneJson(op.value) : undefined;
      continue;
    }
    if (root === undefined || root === null || typeof root !== 'object') root = typeof op.path[0] === 'number' ? [] : {};
    let cur = root as Record<string | number, Json>;
    for (let i = 0; i < op.path.length - 1; i++) {
      const k = op.path[i];
      let child = cur[k];
      if (child === null || typeof child !== 'object') {
        child = typeof op.path[i + 1] === 'number' ? [] : {};
        cur[k] = child;
      }
      cur = child as Record<string | number, Json>;
    }
    const last = op.path[op.path.length - 1];
    if (op.op === 'set') cur[last] = structuredCloneJson(op.value);
    else if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
    else delete cur[last];
  }
  return root;
}

function structuredCloneJson(v: Json): Json {
  return v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as Json);
}

/** Paths (dot-joined) that differ between two values; for "changed since previous step" highlighting. */
export function changedPaths(prev: Json | undefined, next: Json): string[] {
  return diffJson(prev, next).map((op) => op.path.join('.'));
}
