/**
 * Recorded chat messages in the shape of the OpenTelemetry GenAI conventions' `gen_ai.input.messages` /
 * `gen_ai.output.messages` (a JSON array of `{role, parts: [...]}`; parts `text`, `tool_call`, `tool_call_response`,
 * others passed through with their own `type`). Understands OpenAI/Groq chat messages, Anthropic content blocks and
 * Responses-API input items, whichever a recorded call carries; anything else becomes one text part of its JSON.
 */
import type { Json, LlmReply } from '../../shared/trace/types.js';

type Obj = Record<string, unknown>;
export type MessagePart = Record<string, Json>;
export interface GenAiMessage {
  role: string;
  parts: MessagePart[];
  finish_reason?: string;
}

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Tool-call arguments as the conventions show them: the parsed JSON object when the text is JSON, else the text. */
function argumentsOf(text: unknown): Json {
  if (typeof text !== 'string') return (text ?? null) as Json;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

function jsonText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}

/** One content item (OpenAI part, Anthropic block, Responses item) as a conventions part. */
function partOf(p: unknown): MessagePart {
  if (typeof p === 'string') return { type: 'text', content: p };
  if (!isObj(p)) return { type: 'text', content: jsonText(p) };
  const type = str(p.type);
  if ((type === 'text' || type === 'input_text' || type === 'output_text') && typeof p.text === 'string') return { type: 'text', content: p.text };
  if (type === 'tool_use') return { type: 'tool_call', id: str(p.id) ?? null, name: str(p.name) ?? '', arguments: (p.input ?? null) as Json };
  if (type === 'tool_result') return { type: 'tool_call_response', id: str(p.tool_use_id) ?? null, response: (p.content ?? null) as Json };
  if (type === 'function_call') return { type: 'tool_call', id: str(p.call_id) ?? str(p.id) ?? null, name: str(p.name) ?? '', arguments: argumentsOf(p.arguments) };
  if (type === 'function_call_output') return { type: 'tool_call_response', id: str(p.call_id) ?? null, response: (p.output ?? null) as Json };
  // Images, audio, files...: kept as recorded under their own type (the conventions' generic part).
  return { ...(p as MessagePart), type: type ?? 'unknown' };
}

function partsOf(content: unknown): MessagePart[] {
  if (content === undefined || content === null || content === '') return [];
  if (Array.isArray(content)) return content.map(partOf);
  return [partOf(content)];
}

/** One recorded request message (or Responses input item) as a conventions message. */
function messageOf(m: unknown): GenAiMessage {
  if (!isObj(m)) return { role: 'user', parts: partsOf(m) };
  const type = str(m.type);
  if (type === 'function_call') return { role: 'assistant', parts: [partOf(m)] };
  if (type === 'function_call_output') return { role: 'tool', parts: [partOf(m)] };
  const role = str(m.role) ?? 'user';
  if (role === 'tool' || role === 'function') {
    return { role: 'tool', parts: [{ type: 'tool_call_response', id: str(m.tool_call_id) ?? null, response: (m.content ?? null) as Json }] };
  }
  const parts = partsOf(m.content);
  if (Array.isArray(m.tool_calls)) {
    for (const tc of m.tool_calls) {
      if (!isObj(tc)) continue;
      const fn = isObj(tc.function) ? tc.function : {};
      parts.push({ type: 'tool_call', id: str(tc.id) ?? null, name: str(fn.name) ?? '', arguments: argumentsOf(fn.arguments) });
    }
  }
  return { role, parts };
}

/** The recorded request messages (LlmPayload.messages) as `gen_ai.input.messages`. */
export function inputMessages(messages: Json | undefined): GenAiMessage[] {
  if (messages === undefined || messages === null) return [];
  if (typeof messages === 'string') return [{ role: 'user', parts: [{ type: 'text', content: messages }] }];
  return Array.isArray(messages) ? messages.map(messageOf) : [messageOf(messages)];
}

/** Provider finish reasons in the conventions' vocabulary (stop, length, content_filter, tool_call, error). */
export function conventionFinishReason(reason: string | undefined): string {
  switch (reason) {
    case undefined:
    case 'end_turn':
    case 'stop_sequence':
    case 'completed':
      return 'stop';
    case 'max_tokens':
    case 'max_output_tokens':
      return 'length';
    case 'tool_calls':
    case 'tool_use':
    case 'function_call':
      return 'tool_call';
    default:
      return reason;
  }
}

/** The assembled reply of a recorded call as `gen_ai.output.messages` (one message). */
export function outputMessages(reply: LlmReply | undefined, finishReason: string | undefined): GenAiMessage[] {
  if (!reply) return [];
  const parts: MessagePart[] = reply.content ? [{ type: 'text', content: reply.content }] : [];
  for (const tc of reply.toolCalls ?? []) parts.push({ type: 'tool_call', id: tc.id ?? null, name: tc.name, arguments: argumentsOf(tc.arguments) });
  return [{ role: reply.role || 'assistant', parts, finish_reason: conventionFinishReason(finishReason) }];
}
