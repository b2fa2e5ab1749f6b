/**
 * The OpenAI Responses API (`POST /v1/responses`) in the normalized LLM fields (llm.ts): the request's
 * `instructions` and `input` become chat-style messages, a `response` object or its event stream becomes the reply
 * (output text, function calls), the finish reason (the response status, or why it is incomplete) and token usage.
 *
 * Messages use the chat-completions shapes so every LLM view reads one form: `instructions` → a leading system
 * message; a string `input` → one user message; input items `{role, content}` stay as they are; `function_call`
 * items → an assistant message with `tool_calls` (consecutive calls share one message, as a chat model sends them);
 * `function_call_output` → a `tool` message with `tool_call_id`. Items of other types (reasoning, item references,
 * built-in tool calls) are kept unchanged: shown as recorded rather than dropped.
 */
import type { SseEvent, LlmResponseInfo } from './llm.js';
import type { Json, LlmReply, LlmToolCall, TokenUsage } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The request's instructions and input as chat-style messages, or undefined when it has neither. */
export function responsesMessages(body: Obj): Json[] | undefined {
  const out: Obj[] = [];
  if (typeof body.instructions === 'string' && body.instructions) out.push({ role: 'system', content: body.instructions });
  const input = body.input;
  if (typeof input === 'string') out.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input) {
      if (!isObj(item)) continue;
      if (item.type === 'function_call') {
        const call = { id: str(item.call_id) ?? str(item.id) ?? '', type: 'function', function: { name: str(item.name) ?? '', arguments: str(item.arguments) ?? '' } };
        const last = out.at(-1);
        if (last && last.role === 'assistant' && last.content === null && Array.isArray(last.tool_calls)) (last.tool_calls as Obj[]).push(call);
        else out.push({ role: 'assistant', content: null, tool_calls: [call] });
      } else if (item.type === 'function_call_output') {
        out.push({ role: 'tool', tool_call_id: str(item.call_id) ?? '', content: (item.output ?? '') as Json });
      } else if (typeof item.role === 'string' && (item.type === undefined || item.type === 'message')) {
        out.push({ role: item.role, content: (item.content ?? '') as Json });
      } else {
        out.push(item);
      }
    }
  }
  return out.length || input !== undefined || body.instructions !== undefined ? (out as Json[]) : undefined;
}

/** Token usage of a response: input tokens (cached ones included, as the API counts them) and output tokens. */
export function responsesUsage(u: unknown): TokenUsage | undefined {
  if (!isObj(u)) return undefined;
  const promptTokens = num(u.input_tokens);
  const completionTokens = num(u.output_tokens);
  return { promptTokens, completionTokens, totalTokens: num(u.total_tokens) || promptTokens + completionTokens };
}

/** The finish reason of a response: why it is incomplete (`max_output_tokens`…), else its status (`completed`…). */
function finishOf(r: Obj): string | undefined {
  const status = str(r.status);
  if (status === 'incomplete') return (isObj(r.incomplete_details) ? str(r.incomplete_details.reason) : undefined) ?? 'incomplete';
  return status;
}

function messageText(item: Obj): string {
  if (!Array.isArray(item.content)) return typeof item.content === 'string' ? item.content : '';
  return item.content
    .filter(isObj)
    .map((p) => (p.type === 'output_text' ? (str(p.text) ?? '') : p.type === 'refusal' ? (str(p.refusal) ?? '') : ''))
    .join('');
}

function functionCall(item: Obj, args?: string): LlmToolCall {
  const call: LlmToolCall = { name: str(item.name) ?? '', arguments: args ?? str(item.arguments) ?? '' };
  // call_id is what the agent echoes back in its function_call_output; the item id (fc_…) is internal to the API.
  const id = str(item.call_id) ?? str(item.id);
  if (id !== undefined) call.id = id;
  return call;
}

/** The reply of a list of output items, or undefined when it holds no message and no function call. */
function replyOf(output: Obj[], texts?: Map<number, string>, args?: Map<number, string>): LlmReply | undefined {
  let content = '';
  const calls: LlmToolCall[] = [];
  let seen = false;
  output.forEach((item, i) => {
    if (item.type === 'message') {
      seen = true;
      content += texts?.get(i) ?? messageText(item);
    } else if (item.type === 'function_call') {
      seen = true;
      calls.push(functionCall(item, args?.get(i)));
    }
  });
  if (!seen) return undefined;
  const reply: LlmReply = { role: 'assistant', content };
  if (calls.length) reply.toolCalls = calls;
  return reply;
}

/** The normalized fields of a non-streamed `response` object. */
export function responsesJsonInfo(body: Obj | undefined): LlmResponseInfo {
  if (!body || (body.object !== 'response' && !Array.isArray(body.output))) return {};
  const out: LlmResponseInfo = {};
  const reply = replyOf(Array.isArray(body.output) ? body.output.filter(isObj) : []);
  if (reply) out.reply = reply;
  else if (body.status === 'completed') out.reply = { role: 'assistant', content: '' };
  const finish = finishOf(body);
  if (finish) out.finishReason = finish;
  const usage = responsesUsage(body.usage);
  if (usage) out.usage = usage;
  return out;
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * The normalized fields of a Responses event stream. The terminal event (`response.completed`, `.incomplete`,
 * `.failed`) carries the whole response and is authoritative; a stream cut before it is assembled from its deltas.
 * An `error` event ends the stream with finish reason `error`.
 */
export function responsesStreamInfo(events: SseEvent[]): LlmResponseInfo {
  const items = new Map<number, Obj>();
  const texts = new Map<number, string>();
  const args = new Map<number, string>();
  let started: Obj | undefined;
  let final: Obj | undefined;
  let failed = false;
  for (const ev of events) {
    let e: unknown;
    try {
      e = JSON.parse(ev.data);
    } catch {
      continue;
    }
    if (!isObj(e)) continue;
    const type = str(e.type) ?? ev.event ?? '';
    const index = typeof e.output_index === 'number' ? e.output_index : 0;
    if ((type === 'response.created' || type === 'response.in_progress') && isObj(e.response)) started = e.response;
    else if (TERMINAL.has(type) && isObj(e.response)) final = e.response;
    else if (type === 'error') failed = true;
    else if ((type === 'response.output_item.added' || type === 'response.output_item.done') && isObj(e.item)) {
      items.set(index, e.item);
      if (type === 'response.output_item.done') {
        texts.delete(index);
        args.delete(index);
      }
    } else if (type === 'response.output_text.delta' || type === 'response.refusal.delta') {
      texts.set(index, (texts.get(index) ?? '') + (str(e.delta) ?? ''));
    } else if (type === 'response.output_text.done') texts.set(index, str(e.text) ?? texts.get(index) ?? '');
    else if (type === 'response.function_call_arguments.delta') args.set(index, (args.get(index) ?? '') + (str(e.delta) ?? ''));
    else if (type === 'response.function_call_arguments.done') args.set(index, str(e.arguments) ?? args.get(index) ?? '');
  }
  if (final && Array.isArray(final.output) && final.output.length) return responsesJsonInfo(final);
  const out: LlmResponseInfo = {};
  const ordered = [...items.entries()].sort((a, b) => a[0] - b[0]);
  const reply = replyOf(
    ordered.map(([, item]) => item),
    new Map(ordered.flatMap(([i], k) => (texts.has(i) ? [[k, texts.get(i) ?? '']] : []))),
    new Map(ordered.flatMap(([i], k) => (args.has(i) ? [[k, args.get(i) ?? '']] : []))),
  );
  const head = final ?? started;
  if (reply) out.reply = reply;
  else if (final?.status === 'completed') out.reply = { role: 'assistant', content: '' };
  const finish = failed ? 'error' : head && final ? finishOf(head) : undefined;
  if (finish) out.finishReason = finish;
  const usage = responsesUsage(final?.usage);
  if (usage) out.usage = usage;
  return out;
}
