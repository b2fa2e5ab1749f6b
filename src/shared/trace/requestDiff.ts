/**
 * Field-level diff of two HTTP requests (a recorded one and the one a replay issued instead), for divergence reports:
 * `method`, `url`, optionally `headers.<name>`, and the body — JSON bodies are compared structurally with dotted paths
 * (`body.messages.1.content`), other bodies as a whole (`body`). Pure and bounded: at most `limit` entries, long
 * strings shortened, so a report stays readable even when a whole conversation differs.
 */
import { tryParseJson } from './canonicalJson.js';
import type { FieldDiff } from './tape.js';
import type { Body, Json } from './types.js';

/** The parts of an HttpRequestRecord the diff reads (a TapeCall's request or a replayed event's request). */
export interface DiffableRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Body;
}

export interface RequestDiffOptions {
  /** Maximum number of entries returned (default 20). */
  limit?: number;
  /** Compare headers too (default false: they carry volatile values — user agents, retry counters, lengths). */
  headers?: boolean;
  /** Strings longer than this are shortened in the entries (default 200 characters). */
  maxString?: number;
}

export interface RequestDiffResult {
  diff: FieldDiff[];
  /** Differences found beyond `limit` (not listed). */
  omitted: number;
}

const DEFAULT_LIMIT = 20;
const DEFAULT_MAX_STRING = 200;

/** Differences from `expected` (recorded) to `actual`, in a stable order: method, url, headers, body. */
export function diffRequests(expected: DiffableRequest, actual: DiffableRequest, opts: RequestDiffOptions = {}): RequestDiffResult {
  const limit = Math.max(0, opts.limit ?? DEFAULT_LIMIT);
  const maxString = Math.max(8, opts.maxString ?? DEFAULT_MAX_STRING);
  const out: FieldDiff[] = [];
  let omitted = 0;
  const add = (path: string, e: Json | undefined, a: Json | undefined): void => {
    if (out.length >= limit) {
      omitted++;
      return;
    }
    const entry: FieldDiff = { path };
    if (e !== undefined) entry.expected = shorten(e, maxString);
    if (a !== undefined) entry.actual = shorten(a, maxString);
    out.push(entry);
  };

  if (expected.method.toUpperCase() !== actual.method.toUpperCase()) add('method', expected.method, actual.method);
  if (expected.url !== actual.url) add('url', expected.url, actual.url);
  if (opts.headers) {
    const eh = lowerKeys(expected.headers ?? {});
    const ah = lowerKeys(actual.headers ?? {});
    for (const name of [...new Set([...Object.keys(eh), ...Object.keys(ah)])].sort()) {
      if (eh[name] !== ah[name]) add(`headers.${name}`, eh[name], ah[name]);
    }
  }
  diffJson('body', bodyValue(expected.body), bodyValue(actual.body), add);
  return { diff: out, omitted };
}

/** A body as JSON when it is inline JSON text, its text otherwise, or a blob marker (`blob:<sha256>`). */
export function bodyValue(body: Body | undefined): Json | undefined {
  if (!body) return undefined;
  if ('text' in body) {
    const parsed = tryParseJson(body.text);
    return parsed === undefined ? body.text : (parsed as Json);
  }
  return `blob:${body.blob}`;
}

type Add = (path: string, e: Json | undefined, a: Json | undefined) => void;

function diffJson(path: string, e: Json | undefined, a: Json | undefined, add: Add): void {
  if (e === a) return;
  if (isObject(e) && isObject(a)) {
    for (const k of [...new Set([...Object.keys(e), ...Object.keys(a)])].sort()) diffJson(`${path}.${k}`, e[k], a[k], add);
    return;
  }
  if (Array.isArray(e) && Array.isArray(a)) {
    const n = Math.max(e.length, a.length);
    for (let i = 0; i < n; i++) diffJson(`${path}.${i}`, i < e.length ? e[i] : undefined, i < a.length ? a[i] : undefined, add);
    return;
  }
  // Different types or different scalars: one entry for the whole value at this path.
  add(path, e, a);
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

/** Shortens long strings (and containers printed as JSON) so one entry never carries a whole document. */
function shorten(v: Json, max: number): Json {
  if (typeof v === 'string') return v.length > max ? `${v.slice(0, max)}… (${v.length} chars)` : v;
  if (v !== null && typeof v === 'object') {
    const text = JSON.stringify(v);
    return text.length > max ? `${text.slice(0, max)}… (${text.length} chars of JSON)` : v;
  }
  return v;
}
