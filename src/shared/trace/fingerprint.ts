/**
 * The text hashed into an HTTP/LLM call's fingerprint (DESIGN §2: replay matches calls by `fingerprint#occurrence`).
 * Pure: the SDK hashes it with node:crypto when recording, the replayer does the same when matching. The URL and
 * body passed in must already be secret-masked, so a replay with different keys still matches.
 */
import { canonicalJson, tryParseJson } from './canonicalJson.js';
import type { HttpPayload } from './types.js';

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/**
 * Normalizes a URL for matching: scheme and host lowercased, default port dropped, fragment dropped, query
 * parameters sorted (their encoding kept as is). A string that is not an absolute URL is returned unchanged.
 */
export function normalizeUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/i.exec(url);
  if (!m) return url;
  const scheme = m[1].toLowerCase();
  let authority = m[2];
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  let host = (at >= 0 ? authority.slice(at + 1) : authority).toLowerCase();
  const port = /:(\d+)$/.exec(host);
  if (port && DEFAULT_PORT[scheme] === port[1]) host = host.slice(0, -port[0].length);
  authority = userinfo + host;
  const path = m[3] || '/';
  const query = m[4] && m[4].length > 1 ? '?' + m[4].slice(1).split('&').filter(Boolean).sort().join('&') : '';
  return `${scheme}//${authority}${path}${query}`;
}

/**
 * The canonical form of a request body: canonical JSON when the body is JSON, else the JSON string of the raw text,
 * '' when there is no body. Binary bodies are passed by the caller as a digest string (e.g. "sha256:<hex>").
 */
export function canonicalBody(body: string | undefined, parsedBody?: unknown): string {
  if (body === undefined || body === '') return '';
  const parsed = parsedBody ?? tryParseJson(body);
  return parsed === undefined ? JSON.stringify(body) : canonicalJson(parsed);
}

/**
 * `METHOD normalizedUrl\ncanonicalBody`: the exact text whose sha256 is the fingerprint. `parsedBody`: the body as
 * the caller already parsed it (tryParseJson of the same text), so it is not parsed twice.
 */
export function fingerprintInput(method: string, maskedUrl: string, body: string | undefined, parsedBody?: unknown): string {
  return `${method.toUpperCase()} ${normalizeUrl(maskedUrl)}\n${canonicalBody(body, parsedBody)}`;
}

/**
 * The fingerprint input of a recorded call, read from its event payload: defined when the request had no body or a
 * body stored inline as text (the text it was fingerprinted with). A recording leaves such fingerprints out of its
 * journal (hashing costs the agent ~20 us per call) and the host adds them at ingest (`completeCall`); calls
 * with a body stored as a blob, or cut short, keep the fingerprint the recorder wrote. `parsedBody`: the body text
 * as the caller already parsed it (tryParseJson), so it is not parsed twice.
 */
export function payloadFingerprintInput(payload: unknown, parsedBody?: unknown): string | undefined {
  const req = (payload as Partial<HttpPayload> | null)?.request;
  if (!req || typeof req.method !== 'string' || typeof req.url !== 'string') return undefined;
  const body = req.body as { text?: unknown } | undefined;
  if (body === undefined) return fingerprintInput(req.method, req.url, undefined);
  return typeof body.text === 'string' ? fingerprintInput(req.method, req.url, body.text, parsedBody) : undefined;
}
