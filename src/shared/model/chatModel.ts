/**
 * The chat view of one recorded LLM call, derived from its normalized payload (provider, model, messages, reply,
 * finish reason, usage) plus the raw request and response bodies: the conversation as messages with roles (OpenAI
 * chat, Anthropic content blocks and Responses-style input items alike), tool calls paired with their results, the
 * request parameters and tool definitions, and a failed call as an error (status, provider message, retry hints).
 * Pure: the inspector renders it, tests check it without a DOM.
 */
import type { Json, LlmPayload, TokenUsage } from '../trace/types.js';

export interface ChatToolCall {
  id?: string;
  name: string;
  /** The arguments as sent (a JSON string on the wire). */
  arguments: string;
  /** Indented JSON when the arguments parse, else the text as sent. */
  pretty: string;
  /** The arguments are valid JSON (a model may send broken JSON; the view says so). */
  validJson: boolean;
}

export interface ChatMessage {
  /** Position in the request's conversation (0-based). */
  index: number;
  role: string;
  text: string;
  toolCalls: ChatToolCall[];
  /** A tool result: the id of the call it answers. */
  toolCallId?: string;
  /** For a tool result: the index of the message holding the call; for a call: see `resultIndexOf`. */
  callIndex?: number;
  /** Parts that are not text (images, audio, files): shown by type. */
  attachments: string[];
}

export interface ChatParam {
  name: string;
  value: Json;
}

export interface ChatToolDef {
  name: string;
  description?: string;
  parameters?: Json;
}

export interface ChatError {
  /** HTTP status, absent for a network failure. */
  status?: number;
  statusText?: string;
  /** The provider's message (from the error body), or the network error's. */
  message: string;
  type?: string;
  code?: string;
  /** `retry-after` (seconds or a date) or `retry-after-ms`, as sent. */
  retryAfter?: string;
  /** Rate-limit headers (x-ratelimit-*, anthropic-ratelimit-*), name → value. */
  rateLimit: Record<string, string>;
}

export interface ChatModel {
  provider: string;
  model?: string;
  messages: ChatMessage[];
  /** tool call id → index of the message with its result, for calls made inside the conversation. */
  resultIndexOf: Record<string, number>;
  reply?: { role: string; text: string; toolCalls: ChatToolCall[] };
  finishReason?: string;
  usage?: TokenUsage;
  params: ChatParam[];
  tools: ChatToolDef[];
  error?: ChatError;
  /** The reply arrived as a real event stream (SSE with a success status), not one JSON body. */
  realStream: boolean;
  /** No response yet (a call still in flight while recording). */
  pending: boolean;
}

type Obj = { [key: string]: Json };
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Request parameters shown, in this order; anything else in the body (but the conversation) follows them. */
const PARAM_ORDER = [
  'model',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
  'response_format',
  'text',
  'tool_choice',
  'parallel_tool_calls',
  'stream',
  'stop',
  'stop_sequences',
  'seed',
  'n',
  'presence_penalty',
  'frequency_penalty',
  'reasoning',
  'reasoning_effort',
  'top_k',
];
/** Body fields that are the conversation or the tool definitions themselves (shown elsewhere). */
const NOT_PARAMS = new Set(['messages', 'input', 'system', 'instructions', 'tools', 'functions']);

/** Parses JSON text; undefined when it is not JSON. */
export function parseJson(text: string | undefined): Json | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** A tool call's arguments, indented when they are JSON. */
export function toolCallOf(c: { id?: string; name: string; arguments: string }): ChatToolCall {
  const parsed = parseJson(c.arguments);
  const out: ChatToolCall = { name: c.name, arguments: c.arguments, pretty: parsed === undefined ? c.arguments : JSON.stringify(parsed, null, 2), validJson: parsed !== undefined };
  if (c.id !== undefined) out.id = c.id;
  return out;
}

function argsText(v: Json | undefined): string {
  if (typeof v === 'string') return v;
  return v === undefined ? '' : JSON.stringify(v);
}

/** Text of a content value: a string, or the text parts of a part list (other parts listed as attachments). */
function contentOf(c: Json | undefined, attachments: string[]): string {
  if (typeof c === 'string') return c;
  if (c === null || c === undefined) return '';
  if (!Array.isArray(c)) return isObj(c) && typeof c.text === 'string' ? c.text : JSON.stringify(c, null, 2);
  const texts: string[] = [];
  for (const part of c) {
    if (typeof part === 'string') texts.push(part);
    else if (isObj(part) && typeof part.text === 'string') texts.push(part.text);
    else if (isObj(part) && typeof part.type === 'string') attachments.push(part.type);
    else texts.push(JSON.stringify(part));
  }
  return texts.join('\n');
}

/** One request message (or Responses input item) as chat messages: Anthropic tool_result blocks become tool messages. */
function messagesOf(raw: Json): Omit<ChatMessage, 'index'>[] {
  if (typeof raw === 'string') return [{ role: 'user', text: raw, toolCalls: [], attachments: [] }];
  if (!isObj(raw)) return [{ role: 'unknown', text: JSON.stringify(raw), toolCalls: [], attachments: [] }];
  const type = str(raw.type);
  // Responses API input items.
  if (type === 'function_call') {
    const call = toolCallOf({ id: str(raw.call_id) ?? str(raw.id), name: str(raw.name) ?? '', arguments: argsText(raw.arguments) });
    return [{ role: 'assistant', text: '', toolCalls: [call], attachments: [] }];
  }
  if (type === 'function_call_output') {
    const m: Omit<ChatMessage, 'index'> = { role: 'tool', text: contentOf(raw.output, []), toolCalls: [], attachments: [] };
    const id = str(raw.call_id);
    if (id !== undefined) m.toolCallId = id;
    return [m];
  }
  const role = str(raw.role) ?? 'unknown';
  const attachments: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  const results: Omit<ChatMessage, 'index'>[] = [];
  let text: string;
  if (Array.isArray(raw.content) && raw.content.some((b) => isObj(b) && (b.type === 'tool_use' || b.type === 'tool_result'))) {
    // Anthropic content blocks: text, tool_use (a call) and tool_result (a result, shown as its own message).
    const texts: string[] = [];
    for (const b of raw.content) {
      if (!isObj(b)) continue;
      if (b.type === 'tool_use') toolCalls.push(toolCallOf({ id: str(b.id), name: str(b.name) ?? '', arguments: argsText(b.input ?? {}) }));
      else if (b.type === 'tool_result') {
        const r: Omit<ChatMessage, 'index'> = { role: 'tool', text: contentOf(b.content, []), toolCalls: [], attachments: [] };
        const id = str(b.tool_use_id);
        if (id !== undefined) r.toolCallId = id;
        results.push(r);
      } else if (typeof b.text === 'string') texts.push(b.text);
      else if (typeof b.type === 'string') attachments.push(b.type);
    }
    text = texts.join('\n');
  } else {
    text = contentOf(raw.content, attachments);
  }
  if (Array.isArray(raw.tool_calls)) {
    for (const tc of raw.tool_calls) {
      if (!isObj(tc)) continue;
      const fn = isObj(tc.function) ? tc.function : tc;
      toolCalls.push(toolCallOf({ id: str(tc.id), name: str(fn.name) ?? '', arguments: argsText(fn.arguments) }));
    }
  }
  const out: Omit<ChatMessage, 'index'>[] = [];
  if (text || toolCalls.length || attachments.length || results.length === 0) {
    const m: Omit<ChatMessage, 'index'> = { role, text, toolCalls, attachments };
    const id = str(raw.tool_call_id);
    if (id !== undefined) m.toolCallId = id;
    out.push(m);
  }
  return [...out, ...results];
}

/** The conversation of a request, indexed, with each tool result pointing at the message that made its call. */
export function conversationOf(messages: Json | undefined, instructions?: Json): { messages: ChatMessage[]; resultIndexOf: Record<string, number> } {
  const list: Json[] = Array.isArray(messages) ? messages : messages === undefined || messages === null ? [] : [messages];
  const flat = [...(instructions !== undefined && instructions !== null ? [{ role: 'system', content: instructions }] : []), ...list].flatMap(messagesOf);
  const out: ChatMessage[] = flat.map((m, index) => ({ ...m, index }));
  const callAt = new Map<string, number>();
  const resultIndexOf: Record<string, number> = {};
  for (const m of out) {
    for (const c of m.toolCalls) if (c.id !== undefined) callAt.set(c.id, m.index);
    if (m.toolCallId !== undefined && callAt.has(m.toolCallId)) {
      m.callIndex = callAt.get(m.toolCallId);
      resultIndexOf[m.toolCallId] = m.index;
    }
  }
  return { messages: out, resultIndexOf };
}

/** Request parameters: the known ones in a fixed order, then any other field of the body that is not the conversation. */
export function paramsOf(body: Json | undefined, payload: Pick<LlmPayload, 'model' | 'stream'>): ChatParam[] {
  const b: Obj = isObj(body) ? body : {};
  const out: ChatParam[] = [];
  const seen = new Set<string>();
  for (const name of PARAM_ORDER) {
    if (b[name] !== undefined) out.push({ name, value: b[name] });
    else if (name === 'model' && payload.model !== undefined) out.push({ name, value: payload.model });
    else if (name === 'stream' && !isObj(body)) out.push({ name, value: payload.stream });
    seen.add(name);
  }
  for (const [name, value] of Object.entries(b)) if (!seen.has(name) && !NOT_PARAMS.has(name)) out.push({ name, value });
  return out;
}

/** Tool definitions of the request: OpenAI chat ({function: {...}}), Responses ({name, parameters}), Anthropic ({input_schema}). */
export function toolDefsOf(body: Json | undefined): ChatToolDef[] {
  if (!isObj(body)) return [];
  const list = [...(Array.isArray(body.tools) ? body.tools : []), ...(Array.isArray(body.functions) ? body.functions : [])];
  return list.filter(isObj).map((t) => {
    const fn = isObj(t.function) ? t.function : t;
    const def: ChatToolDef = { name: str(fn.name) ?? str(t.type) ?? '?' };
    const description = str(fn.description);
    if (description !== undefined) def.description = description;
    const parameters = fn.parameters ?? fn.input_schema;
    if (parameters !== undefined) def.parameters = parameters;
    return def;
  });
}

const lower = (h: Record<string, string> | undefined): Record<string, string> => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

/** A failed call: HTTP status >= 400 with the provider's error body, or a network failure. Undefined for a success. */
export function errorOf(p: Pick<LlmPayload, 'response' | 'error'>, responseBody?: string): ChatError | undefined {
  const r = p.response;
  if (r && r.status >= 400) {
    const headers = lower(r.headers);
    const out: ChatError = { status: r.status, message: '', rateLimit: {} };
    if (r.statusText) out.statusText = r.statusText;
    const body = parseJson(responseBody);
    // OpenAI/Groq: {error: {message, type, code}}; Anthropic: {type: 'error', error: {type, message}}; some: {message}.
    const e = isObj(body) ? (isObj(body.error) ? body.error : body) : undefined;
    const message = e ? (str(e.message) ?? (typeof body === 'object' && isObj(body) ? str(body.error) : undefined)) : undefined;
    out.message = message ?? (typeof responseBody === 'string' && responseBody.trim() && body === undefined ? responseBody.trim().slice(0, 2000) : `HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`);
    const type = e ? str(e.type) : undefined;
    if (type !== undefined && type !== 'error') out.type = type;
    const code = e ? (str(e.code) ?? (typeof e.code === 'number' ? String(e.code) : undefined)) : undefined;
    if (code !== undefined) out.code = code;
    const retry = headers['retry-after'] ?? (headers['retry-after-ms'] !== undefined ? `${headers['retry-after-ms']} ms` : undefined);
    if (retry !== undefined) out.retryAfter = retry;
    for (const [k, v] of Object.entries(headers)) if (k.startsWith('x-ratelimit-') || k.startsWith('anthropic-ratelimit-')) out.rateLimit[k] = v;
    return out;
  }
  if (p.error) {
    const out: ChatError = { message: p.error.message, type: p.error.name, rateLimit: {} };
    if (p.error.code !== undefined) out.code = p.error.code;
    return out;
  }
  return undefined;
}

/** A real stream: chunks recorded from an event-stream response with a success status (a one-chunk JSON error is not). */
export function isRealStream(p: Pick<LlmPayload, 'response'>): boolean {
  const r = p.response;
  if (!r?.chunks?.length || r.status >= 400) return false;
  return (lower(r.headers)['content-type'] ?? '').includes('event-stream');
}

/** The whole chat view of one LLM call. `requestBody`/`responseBody`: the bodies as text, when resolved. */
export function chatModelOf(p: LlmPayload, requestBody?: string, responseBody?: string): ChatModel {
  const body = parseJson(requestBody);
  const b = isObj(body) ? body : undefined;
  // The normalized messages are the source of truth; the raw body fills in what they do not carry (Responses `input`).
  const rawMessages = p.messages ?? b?.messages ?? b?.input;
  const systemFromBody = p.messages === undefined ? (b?.instructions ?? b?.system) : undefined;
  const conv = conversationOf(rawMessages, systemFromBody);
  const out: ChatModel = {
    provider: p.provider,
    messages: conv.messages,
    resultIndexOf: conv.resultIndexOf,
    params: paramsOf(body, p),
    tools: toolDefsOf(body),
    realStream: isRealStream(p),
    pending: !p.response && !p.error,
  };
  if (p.model !== undefined) out.model = p.model;
  if (p.reply) out.reply = { role: p.reply.role, text: p.reply.content, toolCalls: (p.reply.toolCalls ?? []).map(toolCallOf) };
  if (p.finishReason !== undefined) out.finishReason = p.finishReason;
  if (p.usage) out.usage = p.usage;
  const error = errorOf(p, responseBody);
  if (error) out.error = error;
  return out;
}
