/**
 * What every wire renderer of an edited LLM reply shares (llmWire.ts, llmResponsesWire.ts): the edit, the recorded
 * template it is rendered into, word-sized stream pieces and a token estimate for calls that recorded no usage.
 */
import type { LlmReply, TokenUsage } from './types.js';

export interface EditedReply {
  reply: LlmReply;
  finishReason?: string;
}

export interface WireTemplate {
  /** The recorded response body (JSON or SSE text), when it is text. */
  recordedText?: string;
  /** The model of the request (used when the recorded body does not name one). */
  model?: string;
  /** Recorded usage (kept: it is what the call cost; an estimate when nothing was recorded), or the edited usage. */
  usage?: TokenUsage;
  /** The usage was edited: it replaces the usage of the recorded body instead of filling in a missing one. */
  editedUsage?: boolean;
}

/** At most this many content pieces per stream: long replies are grouped so a stream stays a few hundred chunks. */
const MAX_PIECES = 256;

/** Splits text into word pieces whose concatenation is the text ("a b " → ["a", " b", " "]). */
export function textPieces(text: string): string[] {
  if (text === '') return [];
  const words = text.match(/\s*\S+|\s+$/g) ?? [text];
  if (words.length <= MAX_PIECES) return words;
  const per = Math.ceil(words.length / MAX_PIECES);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(''));
  return out;
}

/** Rough completion token count (~4 characters per token) for a reply whose call recorded no usage. */
export function estimateTokens(reply: LlmReply): number {
  const n = reply.content.length + (reply.toolCalls ?? []).reduce((s, t) => s + t.name.length + t.arguments.length, 0);
  return Math.max(1, Math.ceil(n / 4));
}

/** A JSON text's object, or undefined when it is empty, not JSON or not an object. */
export function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
