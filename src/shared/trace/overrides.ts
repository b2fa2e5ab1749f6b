/**
 * Branch edits ("overrides", DESIGN §2): what a user may put in place of a recorded input of a run, validated against
 * the kind of the event it replaces, and how it is applied to that event before a replay tape is built from it.
 *
 * Accepted payloads (`agenttrace branch edit <branch> --event N --payload JSON`):
 * - LLM call (`llm`):
 *   - `{"content": "text"}` — the shorthand; optional `"toolCalls": [{"name", "arguments", "id"?}]`, `"finishReason"`,
 *     `"usage": {"promptTokens", "completionTokens"}` (what the call is counted and priced as);
 *   - `{"reply": {"role"?, "content", "toolCalls"?}, "finishReason"?, "usage"?}` — the reply object `show` prints;
 *   - a provider response body: OpenAI/Groq `{"choices": [{"message": {...}, "finish_reason"}], ...}`, an OpenAI
 *     Responses `{"output": [{"type": "message", ...}, {"type": "function_call", ...}], "status"}` or Anthropic
 *     `{"content": [{"type": "text", "text"}, ...], "stop_reason"}` (the reply and its usage are taken from it);
 *   - `{"status": 429, "body": {...}}` — a raw response served as is (e.g. an error the agent must handle).
 *   The reply is rendered in the call's own wire format (llmWire.ts); a streamed call gets a re-chunked stream.
 * - HTTP call (`http`): `{"status": 200, "body": <JSON value or text>, "headers"?: {...}}`.
 * - Values (`random`, `crypto`, `time`): `{"value": v}`, type-checked against the recorded value and its source.
 * `step`/`tool` events are annotations of what the code did, not inputs: they cannot be edited (the LLM reply or HTTP
 * result underneath can). Pure: no node imports; the engine stores the normalized override.
 */
import { llmApiOf, llmResponseInfo, type LlmApi } from './llm.js';
import { finishReasonOf, replyJson, replyStream, type EditedReply, type WireTemplate } from './llmWire.js';
import type { Body, HttpPayload, HttpResponseRecord, Json, LlmPayload, LlmReply, LlmToolCall, RandomPayload, StreamChunk, TimePayload, TokenUsage, TraceEvent } from './types.js';

/** A normalized edit, as stored in a branch's `overrides` (seq → EventOverride). */
export type EventOverride =
  | { type: 'reply'; reply: LlmReply; finishReason?: string; usage?: TokenUsage }
  | { type: 'response'; status: number; body: Json; headers?: Record<string, string> }
  | { type: 'value'; value: Json };

/** An edit that does not fit its event: `message` says what is wrong, `hint` what to write instead. */
export class OverrideError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'OverrideError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

const LLM_HINT =
  'e.g. --payload \'{"content": "new reply"}\' (or {"reply": {...}}, a chat completion {"choices": [...]}, a Responses API body {"output": [...]}, or {"status": 500, "body": {...}})';
const HTTP_HINT = 'e.g. --payload \'{"status": 200, "body": {"ok": true}}\' (body: any JSON value, or text)';

/** The wire format of a recorded LLM call. */
export function llmApiOfPayload(p: LlmPayload): LlmApi {
  return llmApiOf(p.request.method, p.request.url) ?? (p.provider === 'anthropic' ? 'anthropic-messages' : 'chat-completions');
}

/** Validates an edit payload against the event it replaces and returns its normalized form. Throws OverrideError. */
export function normalizeOverride(ev: TraceEvent, input: unknown): EventOverride {
  if (!isObj(input)) throw new OverrideError(`the payload must be a JSON object, got ${typeName(input)}`, hintFor(ev));
  switch (ev.kind) {
    case 'llm':
      return normalizeLlm(ev as TraceEvent<'llm'>, input);
    case 'http':
      if ('content' in input || 'reply' in input || 'choices' in input) {
        throw new OverrideError(`event ${ev.seq} is an HTTP call (${describeCall(ev.payload as HttpPayload)}), not an LLM call: it has no reply to edit`, HTTP_HINT);
      }
      if ('value' in input) throw new OverrideError(`event ${ev.seq} is an HTTP call (${describeCall(ev.payload as HttpPayload)}), not a value`, HTTP_HINT);
      return normalizeResponse(ev, input);
    case 'random':
    case 'crypto':
    case 'time':
      return normalizeValue(ev, input);
    case 'step':
    case 'tool': {
      const name = (ev.payload as { name?: string }).name ?? '';
      throw new OverrideError(
        `event ${ev.seq} is a ${ev.kind} annotation (${ev.kind}("${name}")), not an input of the run: its result is what the code computed from its inputs`,
        `edit what the ${ev.kind} used instead: the HTTP call behind it ({"status", "body"}) or the LLM reply ({"content"}); list them with agenttrace show <id> --kind llm,http`,
      );
    }
    default:
      throw new OverrideError(
        `event ${ev.seq} is a ${ev.kind} event, which cannot be edited`,
        'editable events: LLM replies (llm), HTTP results (http) and random, time and UUID values (random, crypto, time)',
      );
  }
}

function hintFor(ev: TraceEvent): string {
  if (ev.kind === 'llm') return LLM_HINT;
  if (ev.kind === 'http') return HTTP_HINT;
  if (ev.kind === 'random' || ev.kind === 'crypto' || ev.kind === 'time') return `e.g. --payload '{"value": ${JSON.stringify((ev.payload as RandomPayload).value)}}'`;
  return 'see agenttrace branch --help';
}

function describeCall(p: HttpPayload): string {
  return `${p.request.method} ${p.request.url}`;
}

function onlyKeys(input: Obj, allowed: string[], what: string, hint: string): void {
  const extra = Object.keys(input).filter((k) => !allowed.includes(k));
  if (extra.length) throw new OverrideError(`unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')} in ${what} (allowed: ${allowed.join(', ')})`, hint);
}

function normalizeLlm(ev: TraceEvent<'llm'>, input: Obj): EventOverride {
  const api = llmApiOfPayload(ev.payload);
  // A Responses API body has a string "status" ("completed"); a raw response edit has a numeric HTTP one.
  const responsesBody = Array.isArray(input.output) && !('body' in input) && typeof input.status !== 'number';
  if (!responsesBody && ('status' in input || 'body' in input)) return normalizeResponse(ev, input);
  if ('value' in input) throw new OverrideError(`event ${ev.seq} is an LLM call, not a random/time value`, LLM_HINT);
  let out: EventOverride;
  if ('reply' in input) {
    onlyKeys(input, ['reply', 'finishReason', 'usage'], 'an LLM reply edit', LLM_HINT);
    if (!isObj(input.reply)) throw new OverrideError(`"reply" must be an object like {"content": "..."}, got ${typeName(input.reply)}`, LLM_HINT);
    onlyKeys(input.reply, ['role', 'content', 'toolCalls'], '"reply"', LLM_HINT);
    out = { type: 'reply', reply: checkReply(input.reply, 'reply.', api) };
  } else if (typeof input.content === 'string') {
    onlyKeys(input, ['content', 'toolCalls', 'finishReason', 'role', 'usage'], 'an LLM reply edit', LLM_HINT);
    out = { type: 'reply', reply: checkReply(input, '', api) };
  } else if (Array.isArray(input.choices) || Array.isArray(input.content) || Array.isArray(input.output)) {
    // A provider body: whichever API it is written in, its reply (and usage) is taken and re-rendered for this call.
    checkProviderBody(input);
    const bodyApi: LlmApi = Array.isArray(input.choices) ? 'chat-completions' : Array.isArray(input.output) ? 'openai-responses' : 'anthropic-messages';
    const info = llmResponseInfo(bodyApi, 200, 'application/json', JSON.stringify(input));
    if (!info.reply) throw new OverrideError('the response body has no reply: choices[0].message (OpenAI/Groq), output items (Responses) or content blocks (Anthropic) are missing', LLM_HINT);
    if (api === 'anthropic-messages') checkToolArgs(info.reply.toolCalls ?? [], 'toolCalls');
    out = { type: 'reply', reply: info.reply };
    if (info.finishReason) out.finishReason = info.finishReason;
    if (input.usage !== undefined && input.usage !== null) out.usage = checkUsage(input.usage);
    return out;
  } else if ('content' in input) {
    throw new OverrideError(`"content" must be a string (the reply text), got ${typeName(input.content)}`, LLM_HINT);
  } else {
    throw new OverrideError(`event ${ev.seq} is an LLM call; the payload is not an LLM reply (no "content", "reply", "choices" or "status")`, LLM_HINT);
  }
  if (input.finishReason !== undefined) {
    if (typeof input.finishReason !== 'string' || !input.finishReason) throw new OverrideError('"finishReason" must be a non-empty string (e.g. "stop")', LLM_HINT);
    out.finishReason = input.finishReason;
  }
  if (input.usage !== undefined) out.usage = checkUsage(input.usage);
  return out;
}

const USAGE_HINT = 'e.g. "usage": {"promptTokens": 120, "completionTokens": 30} (or the API\'s own names: input_tokens/output_tokens, prompt_tokens/completion_tokens)';

/** Edited token counts, in the normalized names or any API's own (prompt/input, completion/output). */
function checkUsage(v: unknown): TokenUsage {
  if (!isObj(v)) throw new OverrideError(`"usage" must be an object of token counts, got ${typeName(v)}`, USAGE_HINT);
  const count = (names: string[], what: string): number => {
    const name = names.find((n) => v[n] !== undefined);
    const n = name === undefined ? undefined : v[name];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new OverrideError(`"usage" needs ${what} as a non-negative integer (${names.join(' or ')}), got ${JSON.stringify(n)}`, USAGE_HINT);
    return n;
  };
  const promptTokens = count(['promptTokens', 'input_tokens', 'prompt_tokens'], 'the prompt token count');
  const completionTokens = count(['completionTokens', 'output_tokens', 'completion_tokens'], 'the completion token count');
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

/** A provider response body must have the reply where its API puts it, in the shape the API gives it. */
function checkProviderBody(input: Obj): void {
  if (Array.isArray(input.choices)) {
    const first = input.choices[0] as unknown;
    if (!isObj(first) || !isObj(first.message)) throw new OverrideError('"choices[0].message" must be an object like {"role": "assistant", "content": "..."}', LLM_HINT);
    const c = first.message.content;
    if (c !== null && c !== undefined && typeof c !== 'string' && !Array.isArray(c)) throw new OverrideError(`"choices[0].message.content" must be a string, got ${typeName(c)}`, LLM_HINT);
    return;
  }
  if (Array.isArray(input.output)) {
    input.output.forEach((item, i) => {
      const ok = isObj(item) && ((item.type === 'message' && Array.isArray(item.content)) || (item.type === 'function_call' && typeof item.name === 'string' && item.name !== '' && typeof item.arguments === 'string'));
      if (!ok) throw new OverrideError(`"output[${i}]" must be an item like {"type": "message", "content": [{"type": "output_text", "text": "..."}]} or {"type": "function_call", "name", "arguments": "{...}", "call_id"}, got ${JSON.stringify(item)}`, LLM_HINT);
    });
    return;
  }
  (input.content as unknown[]).forEach((b, i) => {
    const ok = isObj(b) && ((b.type === 'text' && typeof b.text === 'string') || (b.type === 'tool_use' && typeof b.name === 'string' && b.name !== ''));
    if (!ok) throw new OverrideError(`"content[${i}]" must be a block like {"type": "text", "text": "..."} or {"type": "tool_use", "name", "input"}, got ${JSON.stringify(b)}`, LLM_HINT);
  });
}

function checkReply(r: Obj, at: string, api: LlmApi): LlmReply {
  if (typeof r.content !== 'string') throw new OverrideError(`"${at}content" must be a string, got ${typeName(r.content)}`, LLM_HINT);
  if (r.role !== undefined && (typeof r.role !== 'string' || !r.role)) throw new OverrideError(`"${at}role" must be a non-empty string`, LLM_HINT);
  const reply: LlmReply = { role: (r.role as string | undefined) ?? 'assistant', content: r.content };
  if (r.toolCalls !== undefined) {
    if (!Array.isArray(r.toolCalls)) throw new OverrideError(`"${at}toolCalls" must be a list of {"name", "arguments"}`, LLM_HINT);
    const calls = r.toolCalls.map((tc, i) => toolCall(tc, `${at}toolCalls[${i}]`));
    if (api === 'anthropic-messages') checkToolArgs(calls, `${at}toolCalls`);
    if (calls.length) reply.toolCalls = calls;
  }
  return reply;
}

function toolCall(v: unknown, at: string): LlmToolCall {
  if (!isObj(v)) throw new OverrideError(`"${at}" must be an object {"name", "arguments"}, got ${typeName(v)}`, LLM_HINT);
  onlyKeys(v, ['id', 'name', 'arguments'], `"${at}"`, LLM_HINT);
  if (typeof v.name !== 'string' || !v.name) throw new OverrideError(`"${at}.name" must be a non-empty string`, LLM_HINT);
  if (v.id !== undefined && typeof v.id !== 'string') throw new OverrideError(`"${at}.id" must be a string`, LLM_HINT);
  const args = v.arguments === undefined ? '{}' : typeof v.arguments === 'string' ? v.arguments : isObj(v.arguments) ? JSON.stringify(v.arguments) : undefined;
  if (args === undefined) throw new OverrideError(`"${at}.arguments" must be a JSON object or a string of JSON, got ${typeName(v.arguments)}`, LLM_HINT);
  const call: LlmToolCall = { name: v.name, arguments: args };
  if (typeof v.id === 'string') call.id = v.id;
  return call;
}

/** Anthropic carries tool input as an object: the arguments must be a JSON object there. */
function checkToolArgs(calls: LlmToolCall[], at: string): void {
  calls.forEach((c, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(c.arguments);
    } catch {
      parsed = undefined;
    }
    if (!isObj(parsed)) throw new OverrideError(`"${at}[${i}].arguments" must be a JSON object for an Anthropic call (tool_use input)`, LLM_HINT);
  });
}

function normalizeResponse(ev: TraceEvent, input: Obj): EventOverride {
  onlyKeys(input, ['status', 'body', 'headers'], `a ${ev.kind === 'llm' ? 'raw LLM response' : 'HTTP result'} edit`, HTTP_HINT);
  const recorded = (ev.payload as HttpPayload).response?.status;
  const status = input.status === undefined ? (recorded ?? 200) : input.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new OverrideError(`"status" must be an HTTP status code from 200 to 599, got ${JSON.stringify(input.status)}`, HTTP_HINT);
  }
  if (!('body' in input)) throw new OverrideError('"body" is missing: give the response body (a JSON value, or text)', HTTP_HINT);
  const out: EventOverride = { type: 'response', status, body: input.body as Json };
  if (input.headers !== undefined) {
    if (!isObj(input.headers) || Object.values(input.headers).some((h) => typeof h !== 'string')) throw new OverrideError('"headers" must be an object of strings', HTTP_HINT);
    out.headers = Object.fromEntries(Object.entries(input.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function normalizeValue(ev: TraceEvent, input: Obj): EventOverride {
  const p = ev.payload as RandomPayload | TimePayload;
  const example = `e.g. --payload '{"value": ${JSON.stringify(p.value)}}'`;
  if ('content' in input || 'reply' in input || 'status' in input || 'body' in input) {
    throw new OverrideError(`event ${ev.seq} is a ${ev.kind} value (${p.source}), not an LLM reply or HTTP result`, example);
  }
  onlyKeys(input, ['value'], `a ${ev.kind} value edit`, example);
  if (!('value' in input)) throw new OverrideError('"value" is missing', example);
  const v = input.value;
  const bad = (what: string): never => {
    throw new OverrideError(`${p.source} at event ${ev.seq} needs ${what}, got ${JSON.stringify(v)}`, example);
  };
  const rec = p.value;
  switch (p.source) {
    case 'Math.random':
      if (typeof v !== 'number' || !(v >= 0 && v < 1)) bad('a number from 0 (inclusive) to 1 (exclusive)');
      break;
    case 'crypto.randomInt':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad('an integer');
      break;
    case 'crypto.randomUUID':
      if (typeof v !== 'string' || !UUID.test(v)) bad('a UUID string like "123e4567-e89b-42d3-a456-426614174000"');
      break;
    case 'crypto.getRandomValues':
    case 'crypto.randomBytes':
    case 'crypto.randomFill':
      if (typeof v !== 'string' || !/^(?:[0-9a-f]{2})*$/i.test(v) || v.length !== String(rec).length) bad(`a hex string of ${String(rec).length / 2} bytes (${String(rec).length} hex digits)`);
      break;
    case 'process.hrtime':
      if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) || (v[1] as number) >= 1e9) bad('[seconds, nanoseconds] (integers, nanoseconds below 1e9)');
      break;
    case 'process.hrtime.bigint':
      if (typeof v !== 'string' || !/^\d+$/.test(v)) bad('a decimal string of nanoseconds');
      break;
    case 'performance.now':
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad('a non-negative number of milliseconds');
      break;
    case 'Date.now':
    case 'new Date':
    case 'Date()':
      if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > 8.64e15) bad('a number of milliseconds since 1970 (e.g. 1767225600000)');
      break;
    default:
      // A source this build does not know: at least keep the recorded JSON type.
      if (typeName(v) !== typeName(rec)) bad(`${typeName(rec)} like the recorded value`);
  }
  return { type: 'value', value: v as Json };
}

/** What the applier needs from the store: the text of a recorded body (inline, or a utf8 blob). */
export interface ApplyContext {
  bodyText: (body: Body) => string | undefined;
}

/** The event with the override applied: the same seq, kind and fingerprint; its response or value replaced. */
export function applyOverride(ev: TraceEvent, o: EventOverride, ctx: ApplyContext): TraceEvent {
  if (o.type === 'value') return { ...ev, payload: { ...(ev.payload as RandomPayload), value: o.value } as RandomPayload };
  const p = ev.payload as LlmPayload;
  const out = { ...p } as LlmPayload & Record<string, unknown>;
  delete out.error;
  if (o.type === 'response') {
    const text = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    const type = o.headers?.['content-type'] ?? (typeof o.body === 'string' ? (headerOf(p.response?.headers, 'content-type') ?? 'text/plain; charset=utf-8') : 'application/json');
    out.response = { status: o.status, headers: { ...editedHeaders(p.response?.headers, type, text), ...o.headers }, body: { text } };
    if (ev.kind === 'llm') setReply(out, llmResponseInfo(llmApiOfPayload(p), o.status, type, text));
  } else {
    const api = llmApiOfPayload(p);
    const edit: EditedReply = { reply: o.reply };
    if (o.finishReason !== undefined) edit.finishReason = o.finishReason;
    const usage = o.usage ?? p.usage;
    const tmpl: WireTemplate = { recordedText: p.response?.body ? ctx.bodyText(p.response.body) : undefined, model: p.model, usage, editedUsage: o.usage !== undefined };
    let response: HttpResponseRecord;
    if (p.stream) {
      const frames = replyStream(api, edit, tmpl);
      const times = spreadTimes(frames.length, p.response?.chunks, p.ttfbMs, p.durationMs);
      response = { status: 200, statusText: 'OK', headers: editedHeaders(p.response?.headers, 'text/event-stream', null), body: { text: frames.join('') }, chunks: frames.map((data, i) => ({ t: times[i], data })) };
      if (out.durationMs !== undefined && times.length) out.durationMs = Math.max(out.durationMs, times[times.length - 1]);
    } else {
      const text = replyJson(api, edit, tmpl);
      response = { status: 200, statusText: 'OK', headers: editedHeaders(p.response?.headers, 'application/json', text), body: { text } };
    }
    out.response = response;
    setReply(out, { reply: o.reply, finishReason: finishReasonOf(api, edit), usage });
  }
  return { ...ev, payload: out };
}

function setReply(out: LlmPayload, info: { reply?: LlmReply; finishReason?: string; usage?: LlmPayload['usage'] }): void {
  if (info.reply) out.reply = info.reply;
  else delete out.reply;
  if (info.finishReason) out.finishReason = info.finishReason;
  else delete out.finishReason;
  if (info.usage) out.usage = info.usage;
}

function headerOf(h: Record<string, string> | undefined, name: string): string | undefined {
  if (!h) return undefined;
  const k = Object.keys(h).find((x) => x.toLowerCase() === name);
  return k === undefined ? undefined : h[k];
}

/**
 * The recorded headers for a new body (`text`; null for a stream): no content-encoding (the new bytes are plain),
 * the new content type, and a framing the replay can serve: the body's length, or chunked for a stream.
 */
function editedHeaders(recorded: Record<string, string> | undefined, contentType: string, text: string | null): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(recorded ?? {})) {
    const lk = k.toLowerCase();
    if (lk !== 'content-encoding' && lk !== 'content-type') h[lk] = v;
  }
  h['content-type'] = contentType;
  if (text !== null && h['transfer-encoding'] === undefined) h['content-length'] = String(new TextEncoder().encode(text).byteLength);
  if (text === null) {
    delete h['content-length'];
    h['transfer-encoding'] ??= 'chunked';
  }
  return h;
}

/** Arrival times for n re-chunked pieces: spread evenly over the recorded stream's first..last chunk times. */
function spreadTimes(n: number, recorded: StreamChunk[] | undefined, ttfbMs: number | undefined, durationMs: number | undefined): number[] {
  const t0 = recorded?.[0]?.t ?? ttfbMs ?? 0;
  const t1 = Math.max(t0, recorded?.at(-1)?.t ?? durationMs ?? t0);
  return Array.from({ length: n }, (_, i) => Math.round((n === 1 ? t0 : t0 + ((t1 - t0) * i) / (n - 1)) * 1000) / 1000);
}
