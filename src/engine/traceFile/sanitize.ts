/**
 * Hostile-JSON defences for everything read from a trace file: keys that could reach an object's prototype
 * (`__proto__`, `constructor`, `prototype`) are dropped wherever they occur, and nesting deeper than a limit is
 * refused. Iterative walks (explicit stack), so absurd nesting cannot overflow the call stack here either.
 */
import { BLOB_HASH_RE } from './v1.js';

export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface SanitizeResult {
  /** How many unsafe keys were dropped. */
  dropped: number;
  /** Deepest nesting seen (1 = a flat object or array). */
  depth: number;
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
