/**
 * What the host adds at ingest to a recorded call whose journal line leaves it out (a request with a body stored
 * inline, or none: see payloadFingerprintInput): its fingerprint, hashed exactly as the recorder hashes the others,
 * and an LLM call's messages, extracted exactly as the recorder extracts them. A recording leaves both to the host:
 * hashing and writing the messages a second time (they are in the body already) cost the agent time on every call.
 */
import { createHash } from 'node:crypto';
import { tryParseJson } from '../../shared/trace/canonicalJson.js';
import { payloadFingerprintInput } from '../../shared/trace/fingerprint.js';
import { detectLlmCall } from '../../shared/trace/llm.js';
import type { Json, LlmPayload } from '../../shared/trace/types.js';

/** sha256 of the payload's fingerprint input; undefined when the payload does not carry it. */
export function fingerprintOfPayload(payload: unknown): string | undefined {
  const input = payloadFingerprintInput(payload);
  return input === undefined ? undefined : createHash('sha256').update(input).digest('hex');
}

/** An `llm` payload with its request's messages when its journal line left them to the host (else the same object). */
export function withMessages(payload: Json): Json {
  const p = payload as unknown as Partial<LlmPayload> | null;
  const text = (p?.request?.body as { text?: unknown } | undefined)?.text;
  if (!p || p.messages !== undefined || typeof text !== 'string' || typeof p.request?.method !== 'string' || typeof p.request.url !== 'string') return payload;
  const messages = detectLlmCall(p.request.method, p.request.url, tryParseJson(text))?.messages;
  return messages === undefined ? payload : ({ ...p, messages } as unknown as Json);
}
