/**
 * Hostile-JSON defences for everything read from a trace file: keys that could reach an object's prototype
 * (`__proto__`, `constructor`, `prototype`) are refused wherever they occur (inspectJson finds the first one, the
 * reader turns it into an error), and nesting deeper than a limit is refused. sanitizeJson drops such keys, for
 * comparing stored rows with a file's. Iterative walks (explicit stack), so absurd nesting cannot overflow the call
 * stack here either.
 */
import { BLOB_HASH_RE } from './v1.js';

export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface SanitizeResult {
  /** How many unsafe keys were dropped. */
  dropped: number;
  /** Deepest nesting seen (1 = a flat object or array). */
  depth: number;
}

export interface InspectResult {
  /** Where the first unsafe key sits (`payload.headers.__proto__`, `[2].constructor`), if any. */
  unsafe?: string;
  /** Deepest nesting seen (as SanitizeResult.depth). */
  depth: number;
}

/**
 * Finds the first unsafe key (depth first) and measures nesting, changing nothing. The walk stops at the first unsafe
 * key, or when it passes `maxDepth` (reporting maxDepth + 1). Paths are only built once an unsafe key is known to be
 * there (a second walk), so clean records cost no string work.
 */
export function inspectJson(value: unknown, maxDepth: number): InspectResult {
  const res = walk(value, maxDepth, false);
  return res.unsafe === undefined ? res : walk(value, maxDepth, true);
}

function walk(value: unknown, maxDepth: number, paths: boolean): InspectResult {
  const res: InspectResult = { depth: 0 };
  const stack: [unknown, number, string][] = [[value, 1, '']];
  const join = (at: string, k: string): string => (paths ? `${at}${at ? '.' : ''}${k.length > 40 ? k.slice(0, 40) + '…' : k}` : '');
  while (stack.length > 0) {
    const [v, d, at] = stack.pop() as [unknown, number, string];
    if (v === null || typeof v !== 'object') continue;
    if (d > res.depth) res.depth = d;
    if (d > maxDepth) return res;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) if (v[i] !== null && typeof v[i] === 'object') stack.push([v[i], d + 1, paths ? `${at}[${i}]` : '']);
      continue;
    }
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    for (const k of keys) {
      if (UNSAFE_KEYS.has(k)) {
        res.unsafe = join(at, k);
        return res;
      }
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const x = o[keys[i]];
      if (x !== null && typeof x === 'object') stack.push([x, d + 1, join(at, keys[i])]);
    }
  }
  return res;
}

/**
 * Drops unsafe keys in place and measures nesting. Returns undefined-free stats; throws nothing: the caller decides
 * what depth is too deep (the walk stops descending past `maxDepth` and reports maxDepth + 1).
 */
export function sanitizeJson(value: unknown, maxDepth: number): SanitizeResult {
  const res: SanitizeResult = { dropped: 0, depth: 0 };
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (d > res.depth) res.depth = d;
    if (d > maxDepth) return res;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push([x, d + 1]);
      continue;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (UNSAFE_KEYS.has(k)) {
        delete o[k];
        res.dropped++;
        continue;
      }
      const x = o[k];
      if (x !== null && typeof x === 'object') stack.push([x, d + 1]);
    }
  }
  return res;
}

/**
 * Blob hashes a JSON value refers to: BlobRef objects (`{blob: <sha256>, size}`) anywhere inside it. Keyframe file
 * maps (path -> hash) are collected by the caller. Call on sanitized values only.
 */
export function collectBlobRefs(value: unknown, out: Set<string>): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push(x);
      continue;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.blob === 'string' && typeof o.size === 'number' && BLOB_HASH_RE.test(o.blob)) out.add(o.blob);
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
}

/** The blobs a keyframe needs: its file map's hashes plus BlobRefs in its state. */
export function keyframeBlobRefs(data: Record<string, unknown>, out: Set<string>): void {
  const files = data.files;
  if (files && typeof files === 'object' && !Array.isArray(files)) {
    for (const h of Object.values(files as Record<string, unknown>)) if (typeof h === 'string' && BLOB_HASH_RE.test(h)) out.add(h);
  }
  collectBlobRefs(data, out);
}
