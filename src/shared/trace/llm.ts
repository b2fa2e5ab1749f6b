/**
 * LLM awareness for recorded HTTP calls: recognises OpenAI/Groq/Gemini-compatible chat completions, the OpenAI
 * Responses API (llmResponses.ts) and Anthropic messages calls and extracts the fields of `LlmPayload` (provider, model, messages, assembled reply, finish reason, usage),
 * from JSON replies and from SSE streams alike. Pure: the SDK calls it when a call completes, the engine may call it
 * again on stored bodies.
 */
import { responsesJsonInfo, responsesMessages, responsesStreamInfo } from './llmResponses.js';
import type { Json, LlmProvider, LlmReply, LlmToolCall, TokenUsage } from './types.js';

/** Which wire format a chat call speaks. */
export type LlmApi = 'chat-completions' | 'openai-responses' | 'anthropic-messages';

export interface LlmRequestInfo {
  api: LlmApi;
  provider: LlmProvider;
  model?: string;
  messages?: Json;
  stream: boolean;
}

export interface LlmResponseInfo {
  reply?: LlmReply;
  finishReason?: string;
  usage?: TokenUsage;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function splitUrl(url: string): { host: string; path: string } | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)([^?#]*)/i.exec(url);
  return m ? { host: m[1].toLowerCase().replace(/:\d+$/, ''), path: m[2] || '/' } : null;
}

/** The wire format of a request by its URL path, or null when it is not a chat call. */
export function llmApiOf(method: string, url: string): LlmApi | null {
  if (method.toUpperCase() !== 'POST') return null;
  const u = splitUrl(url);
  if (!u) return null;
  const path = u.path.replace(/\/+$/, '');
  if (path.endsWith('/chat/completions')) return 'chat-completions';
  // Only the create call: /v1/responses/{id} (retrieve), /input_items, /cancel and /input_tokens stay plain HTTP.
  if (path.endsWith('/v1/responses') || path.endsWith('/openai/responses')) return 'openai-responses';
  if (path.endsWith('/v1/messages') || (u.host.includes('anthropic') && path.endsWith('/messages'))) return 'anthropic-messages';
  return null;
}

/** The provider of a chat call, from its host (and path for Groq's OpenAI-compatible prefix). */
export function llmProviderOf(url: string, api: LlmApi): LlmProvider {
  const u = splitUrl(url);
  const host = u?.host ?? '';
  const path = u?.path ?? '';
  if (host === 'api.groq.com' || host.endsWith('.groq.com')) return 'groq';
  if (host === 'api.openai.com') return 'openai';
  if (host === 'generativelanguage.googleapis.com' || host.endsWith('-aiplatform.googleapis.com')) return 'gemini';
  if (host.includes('anthropic') || api === 'anthropic-messages') return 'anthropic';
  // Groq's OpenAI-compatible prefix; Azure's /openai/v1 is plain OpenAI-compatible.
  if (path.includes('/openai/v1/') && !host.endsWith('.azure.com')) return 'groq';
  return 'openai-compatible';
}

/**
 * Recognises an LLM chat call and extracts its request-side fields. `body` is the parsed JSON request body
 * (undefined when it was not JSON: then it is not treated as an LLM call).
 */
export function detectLlmCall(method: string, url: string, body: unknown): LlmRequestInfo | null {
  const api = llmApiOf(method, url);
  if (!api || !isObj(body)) return null;
  const info: LlmRequestInfo = { api, provider: llmProviderOf(url, api), stream: body.stream === true };
  const model = str(body.model);
  if (model !== undefined) info.model = model;
  if (api === 'openai-responses') {
    const messages = responsesMessages(body);
    if (messages) info.messages = messages;
    return info;
  }
  let messages = Array.isArray(body.messages) ? (body.messages as Json[]) : undefined;
  // Anthropic carries the system prompt beside the messages; show it as the first message like the other APIs.
  if (api === 'anthropic-messages' && body.system !== undefined && body.system !== null) {
    messages = [{ role: 'system', content: body.system as Json }, ...(messages ?? [])];
  }
  if (messages) info.messages = messages;
  return info;
}

export interface SseEvent {
  event?: string;
  data: string;
}

/** Parses Server-Sent Events text into events (data lines joined by \n; comments and empty events skipped). */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) out.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') });
  }
  return out;
}

function parseJsonObj(text: string): Obj | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function looksLikeSse(text: string): boolean {
  return /^(?::[^\n]*\n|\s)*(data|event):/.test(text);
}

/**
 * Extracts the reply, finish reason and usage from a response body (decoded text). SSE when the content type says
 * so or the body looks like an event stream. Error statuses and unparseable bodies give an empty result.
 */
export function llmResponseInfo(api: LlmApi, status: number, contentType: string | undefined, text: string): LlmResponseInfo {
  if (status >= 400 || !text) return {};
  const sse = (contentType ?? '').toLowerCase().includes('text/event-stream') || looksLikeSse(text);
  if (api === 'anthropic-messages') return sse ? anthropicStream(parseSse(text)) : anthropicMessage(parseJsonObj(text));
  if (api === 'openai-responses') return sse ? responsesStreamInfo(parseSse(text)) : responsesJsonInfo(parseJsonObj(text));
  return sse ? chatStream(parseSse(text)) : chatCompletion(parseJsonObj(text));
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (isObj(p) ? (str(p.text) ?? '') : '')).join('');
  return '';
}

function chatUsage(u: unknown): TokenUsage | undefined {
  if (!isObj(u)) return undefined;
  const promptTokens = num(u.prompt_tokens);
  const completionTokens = num(u.completion_tokens);
  return { promptTokens, completionTokens, totalTokens: num(u.total_tokens) || promptTokens + completionTokens };
}

function firstChoice(body: Obj): Obj | undefined {
  if (!Array.isArray(body.choices)) return undefined;
  const choices = body.choices.filter(isObj);
  return choices.find((c) => c.index === 0 || c.index === undefined) ?? choices[0];
}

function chatCompletion(body: Obj | undefined): LlmResponseInfo {
  if (!body) return {};
  const out: LlmResponseInfo = {};
  const choice = firstChoice(body);
  const message = choice && isObj(choice.message) ? choice.message : undefined;
  if (message) {
    const reply: LlmReply = { role: str(message.role) ?? 'assistant', content: contentText(message.content) };
    if (Array.isArray(message.tool_calls) && message.tool_calls.length) {
      reply.toolCalls = message.tool_calls.filter(isObj).map((tc) => {
        const fn = isObj(tc.function) ? tc.function : {};
        const call: LlmToolCall = { name: str(fn.name) ?? '', arguments: str(fn.arguments) ?? '' };
        if (typeof tc.id === 'string') call.id = tc.id;
        return call;
      });
    }
    out.reply = reply;
  }
  const finish = choice ? str(choice.finish_reason) : undefined;
  if (finish) out.finishReason = finish;
  const usage = chatUsage(body.usage) ?? (isObj(body.x_groq) ? chatUsage(body.x_groq.usage) : undefined);
  if (usage) out.usage = usage;
  return out;
}

function chatStream(events: SseEvent[]): LlmResponseInfo {
  let role = 'assistant';
  let content = '';
  let sawChoice = false;
  const tools = new Map<number, LlmToolCall>();
  const out: LlmResponseInfo = {};
  for (const ev of events) {
    if (ev.data.trim() === '[DONE]') continue;
    const chunk = parseJsonObj(ev.data);
    if (!chunk) continue;
    const usage = chatUsage(chunk.usage) ?? (isObj(chunk.x_groq) ? chatUsage(chunk.x_groq.usage) : undefined);
    if (usage) out.usage = usage;
    const choice = firstChoice(chunk);
    if (!choice) continue;
    sawChoice = true;
    const delta = isObj(choice.delta) ? choice.delta : {};
    if (typeof delta.role === 'string') role = delta.role;
    content += contentText(delta.content);
    if (Array.isArray(delta.tool_calls)) {
      for (const tc of delta.tool_calls.filter(isObj)) {
        const index = typeof tc.index === 'number' ? tc.index : tools.size;
        const cur = tools.get(index) ?? { name: '', arguments: '' };
        if (typeof tc.id === 'string' && tc.id) cur.id = tc.id;
        const fn = isObj(tc.function) ? tc.function : {};
        if (typeof fn.name === 'string' && fn.name) cur.name = fn.name;
        if (typeof fn.arguments === 'string') cur.arguments += fn.arguments;
        tools.set(index, cur);
      }
    }
    const finish = str(choice.finish_reason);
    if (finish) out.finishReason = finish;
  }
  if (sawChoice) {
    out.reply = { role, content };
    if (tools.size) out.reply.toolCalls = [...tools.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
  }
  return out;
}

function anthropicUsage(u: Obj): TokenUsage {
  const promptTokens = num(u.input_tokens) + num(u.cache_creation_input_tokens) + num(u.cache_read_input_tokens);
  const completionTokens = num(u.output_tokens);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

function anthropicMessage(body: Obj | undefined): LlmResponseInfo {
  if (!body || body.type === 'error') return {};
  const out: LlmResponseInfo = {};
  if (Array.isArray(body.content)) {
    const blocks = body.content.filter(isObj);
    const reply: LlmReply = { role: str(body.role) ?? 'assistant', content: blocks.map((b) => (b.type === 'text' ? (str(b.text) ?? '') : '')).join('') };
    const calls = blocks.filter((b) => b.type === 'tool_use').map((b) => toolUse(b, JSON.stringify(b.input ?? {})));
    if (calls.length) reply.toolCalls = calls;
    out.reply = reply;
  }
  const stop = str(body.stop_reason);
  if (stop) out.finishReason = stop;
  if (isObj(body.usage)) out.usage = anthropicUsage(body.usage);
  return out;
}

function toolUse(block: Obj, args: string): LlmToolCall {
  const call: LlmToolCall = { name: str(block.name) ?? '', arguments: args };
  if (typeof block.id === 'string') call.id = block.id;
  return call;
}

function anthropicStream(events: SseEvent[]): LlmResponseInfo {
  let role = 'assistant';
  let started = false;
  const blocks = new Map<number, { block: Obj; text: string; json: string }>();
  const usage: Obj = {};
  const out: LlmResponseInfo = {};
  for (const ev of events) {
    const e = parseJsonObj(ev.data);
    if (!e) continue;
    const type = str(e.type) ?? ev.event;
    const index = typeof e.index === 'number' ? e.index : 0;
    if (type === 'message_start' && isObj(e.message)) {
      started = true;
      role = str(e.message.role) ?? role;
      if (isObj(e.message.usage)) Object.assign(usage, e.message.usage);
    } else if (type === 'content_block_start' && isObj(e.content_block)) {
      started = true;
      blocks.set(index, { block: e.content_block, text: str(e.content_block.text) ?? '', json: '' });
    } else if (type === 'content_block_delta' && isObj(e.delta)) {
      const b = blocks.get(index) ?? { block: { type: e.delta.type === 'input_json_delta' ? 'tool_use' : 'text' }, text: '', json: '' };
      if (e.delta.type === 'text_delta') b.text += str(e.delta.text) ?? '';
      else if (e.delta.type === 'input_json_delta') b.json += str(e.delta.partial_json) ?? '';
      blocks.set(index, b);
    } else if (type === 'message_delta') {
      if (isObj(e.delta) && typeof e.delta.stop_reason === 'string') out.finishReason = e.delta.stop_reason;
      // message_delta usage counts are cumulative: they replace the message_start values.
      if (isObj(e.usage)) for (const [k, v] of Object.entries(e.usage)) if (typeof v === 'number') usage[k] = v;
    }
  }
  if (started) {
    const ordered = [...blocks.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
    const reply: LlmReply = { role, content: ordered.filter((b) => b.block.type === 'text').map((b) => b.text).join('') };
    const calls = ordered.filter((b) => b.block.type === 'tool_use').map((b) => toolUse(b.block, b.json || JSON.stringify(b.block.input ?? {})));
    if (calls.length) reply.toolCalls = calls;
    out.reply = reply;
  }
  if (Object.keys(usage).length) out.usage = anthropicUsage(usage);
  return out;
}
