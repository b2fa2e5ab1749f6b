/**
 * What the host adds at ingest to a recorded call whose journal line leaves it out (a request with a text body, or
 * none: see payloadFingerprintInput): its fingerprint, hashed exactly as the recorder hashes the others, and an LLM
 * call's messages, extracted exactly as the recorder extracts them; and the blob of a large text body. A recording
 * leaves these to the host: hashing, encoding and writing the messages a second time (they are in the body
 * already) cost the agent time on every call.
 */
import { createHash } from 'node:crypto';
import { tryParseJson } from '../../shared/trace/canonicalJson.js';
import { payloadFingerprintInput } from '../../shared/trace/fingerprint.js';
import { detectLlmCall } from '../../shared/trace/llm.js';
import { INLINE_BODY_LIMIT, type BlobRef, type Json, type LlmPayload } from '../../shared/trace/types.js';

/**
 * An event's payload and fingerprint as the store keeps them: for an `llm` or `http` event, what its journal line
 * left to the host added (the body, when needed, is parsed once). Other events are returned as they are.
 */
export function completeCall(kind: string, payload: Json, fp: string | undefined): { payload: Json; fp: string | undefined } {
  if (kind !== 'llm' && kind !== 'http') return { payload, fp };
  const p = payload as unknown as Partial<LlmPayload> | null;
  const req = p?.request;
  const text = (req?.body as { text?: unknown } | undefined)?.text;
  let parsed: { value: unknown } | undefined;
  const body = (): unknown => (parsed ??= { value: typeof text === 'string' ? tryParseJson(text) : undefined }).value;
  if (fp === undefined) {
    const input = payloadFingerprintInput(payload, body());
    if (input !== undefined) fp = createHash('sha256').update(input).digest('hex');
  }
  if (kind === 'llm' && p && p.messages === undefined && typeof req?.method === 'string' && typeof req.url === 'string') {
    const messages = detectLlmCall(req.method, req.url, body())?.messages;
    if (messages !== undefined) payload = { ...p, messages } as unknown as Json;
  }
  return { payload, fp };
}

/**
 * A recording writes text bodies inline whatever their size; the store keeps one over INLINE_BODY_LIMIT as a blob
 * (content-addressed, compressed: blobRows.ts), so readers see the shapes they always saw. `put` stores the bytes
 * under their sha256. Returns the payload (or patch fields) with such bodies replaced by their blob reference (a copy
 * when any moved).
 */
export function blobLargeBodies(payload: Json, put: (hash: string, bytes: Buffer) => void): Json {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  let out = payload;
  for (const key of ['request', 'response']) {
    const part = payload[key] as { body?: { text?: unknown } } | null | undefined;
    const text = part?.body?.text;
    if (typeof text !== 'string' || text.length <= INLINE_BODY_LIMIT) continue;
    const bytes = Buffer.from(text, 'utf8');
    const hash = createHash('sha256').update(bytes).digest('hex');
    put(hash, bytes);
    const body: BlobRef = { blob: hash, size: bytes.byteLength, encoding: 'utf8' };
    if (out === payload) out = { ...payload };
    out[key] = { ...part, body } as unknown as Json;
  }
  return out;
}
