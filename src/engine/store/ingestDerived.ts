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
