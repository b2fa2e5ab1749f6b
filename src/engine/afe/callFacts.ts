/**
 * What failure detection reads from recorded calls: the HTTP status and the provider's error body of an LLM/HTTP
 * event, network error codes, which failures were recovered by a retry, and the JSON values that calls and tools
 * handed to the agent (the places a wrong value can come from). Pure.
 */
import { callFailed } from '../../shared/afe/callFailed.js';
import type { FailureClass } from '../../shared/afe/types.js';
import type { Body, HttpPayload, LlmPayload, StepPayload, TraceEvent } from '../../shared/trace/types.js';

/** Reads a recorded body as text (inline text; a blob when the caller can load it). */
export type BodyReader = (body: Body | undefined) => string | undefined;

export const inlineBody: BodyReader = (body) => (body && 'text' in body ? body.text : undefined);

/** A recorded LLM/HTTP call that did not succeed. */
export interface CallFailure {
  seq: number;
  kind: 'llm' | 'http';
  method: string;
  url: string;
  model?: string;
  /** HTTP status (undefined: no response at all). */
  status?: number;
  /** Provider error code or type from the body (`insufficient_quota`, `model_not_found`, `rate_limit_exceeded`…). */
  providerCode?: string;
  /** The provider's error message from the body. */
  providerMessage?: string;
  /** Network-level failure: error name and code (`ECONNREFUSED`, `AbortError`…). */
  netError?: { name: string; message: string; code?: string };
  durationMs?: number;
  /** The call never finished: no response and no error were recorded before the run failed. */
  pending?: boolean;
  retryAfter?: string;
  fingerprint?: string;
  parentSeq?: number;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ABORT_ERR']);
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'quota_exceeded']);
const MODEL_CODES = new Set(['model_not_found', 'model_decommissioned', 'model_not_available', 'not_found_error']);
const CONTEXT_CODES = new Set(['context_length_exceeded', 'string_above_max_length', 'request_too_large', 'tokens_exceeded']);
const AUTH_CODES = new Set(['invalid_api_key', 'authentication_error', 'permission_error', 'permission_denied', 'unauthorized', 'invalid_authentication']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Parses JSON text; undefined when it is not JSON. */
export function tryJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The failure of an llm/http event, or null when it succeeded (status < 400, no network error) or is still open. */
export function callFailure(ev: TraceEvent, read: BodyReader = inlineBody): CallFailure | null {
  if (ev.kind !== 'llm' && ev.kind !== 'http') return null;
  const p = ev.payload as HttpPayload & Partial<LlmPayload>;
  if (!callFailed(p)) return null;
  const status = p.response?.status;
  const f: CallFailure = { seq: ev.seq, kind: ev.kind, method: p.request?.method ?? 'GET', url: p.request?.url ?? '', durationMs: p.durationMs };
  if (p.model) f.model = p.model;
  if (ev.fingerprint) f.fingerprint = ev.fingerprint;
  if (ev.parentSeq !== undefined) f.parentSeq = ev.parentSeq;
  if (status !== undefined && status >= 400) {
    f.status = status;
    const body = tryJson(read(p.response?.body));
    const err = isObj(body) && isObj(body.error) ? body.error : isObj(body) ? body : undefined;
    if (err) {
      const code = str(err.code) ?? str(err.type);
      if (code) f.providerCode = code;
      // Anthropic/OpenAI put the code in `code` and the family in `type`; a quota error may only say it in `type`.
      if (str(err.type) && QUOTA_CODES.has(err.type as string)) f.providerCode = err.type as string;
      const msg = str(err.message) ?? (typeof body === 'object' && body && str((body as Obj).message));
      if (msg) f.providerMessage = msg;
    }
    const headers = p.response?.headers ?? {};
    const ra = headers['retry-after-ms'] ? `${headers['retry-after-ms']} ms` : headers['retry-after'] ? `${headers['retry-after']} s` : undefined;
    if (ra) f.retryAfter = ra;
  }
  if (p.error) f.netError = { name: p.error.name, message: p.error.message, ...(p.error.code ? { code: p.error.code } : {}) };
  return f;
}

/** The failure class a failed call stands for, from its status, provider code and network error code. */
export function classOfCall(f: CallFailure): FailureClass {
  const code = f.providerCode ?? '';
  // A call still waiting when the client library gave up: the wait ended by a timeout (a hung connection included).
  if (f.pending) return 'timeout';
  if (f.status === undefined) {
    const n = f.netError;
    if (!n) return 'unknown';
    if ((n.code && TIMEOUT_CODES.has(n.code)) || n.name === 'AbortError' || n.name === 'TimeoutError') return 'timeout';
    if (n.code && NETWORK_CODES.has(n.code)) return 'network';
    return 'network';
  }
  if (QUOTA_CODES.has(code)) return 'quota';
  // Anthropic and some OpenAI-compatible servers say it only in the message of a plain 400 invalid_request_error.
  const tooLong = f.status === 400 && /maximum context length|prompt is too long|context window|too many (input )?tokens/i.test(f.providerMessage ?? '');
  if (CONTEXT_CODES.has(code) || f.status === 413 || tooLong) return 'context_overflow';
  if (MODEL_CODES.has(code) && (f.kind === 'llm' || code.startsWith('model_'))) return 'model_not_found';
  if (f.status === 429) return 'rate_limit';
  if (f.status === 401 || f.status === 403 || AUTH_CODES.has(code)) return 'auth';
  if (f.status === 408 || f.status === 504) return f.status === 408 ? 'timeout' : 'server_error';
  if (f.status >= 500) return 'server_error';
  return 'unknown';
}

/**
 * Failed calls that were not recovered: no later call with the same fingerprint (the client's own retry, or the
 * agent's) succeeded. A 429 followed by a 200 of the same request is a retry that worked, not a failure.
 */
export function unrecoveredFailures(events: readonly TraceEvent[], read: BodyReader = inlineBody): CallFailure[] {
  const lastOk = new Map<string, number>();
  for (const ev of events) {
    if ((ev.kind === 'llm' || ev.kind === 'http') && ev.fingerprint && !callFailure(ev, read) && (ev.payload as HttpPayload).response) lastOk.set(ev.fingerprint, ev.seq);
  }
  const out: CallFailure[] = [];
  for (const ev of events) {
    const f = callFailure(ev, read);
    if (!f) continue;
    const ok = f.fingerprint ? lastOk.get(f.fingerprint) : undefined;
    if (ok === undefined || ok < f.seq) out.push(f);
  }
  return out;
}

/**
 * The last LLM/HTTP call before `beforeSeq` that never finished (no response, no error recorded), as a pending
 * failure whose duration runs to `endTs` (when the error surfaced). Undefined when a call finished after it.
 */
export function pendingCall(events: readonly TraceEvent[], beforeSeq: number, endTs: number): CallFailure | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const ev = events[i];
    if (ev.seq >= beforeSeq || (ev.kind !== 'llm' && ev.kind !== 'http')) continue;
    const p = ev.payload as HttpPayload & Partial<LlmPayload>;
    if (p.response || p.error) return undefined;
    const started = p.startedAtMs ?? ev.ts;
    const f: CallFailure = { seq: ev.seq, kind: ev.kind, method: p.request?.method ?? 'GET', url: p.request?.url ?? '', pending: true, durationMs: Math.max(0, endTs - started) };
    if (p.model) f.model = p.model;
    if (ev.fingerprint) f.fingerprint = ev.fingerprint;
    return f;
  }
  return undefined;
}

/** One line naming a failed call: `429 rate_limit_exceeded from POST /v1/chat/completions (model gpt-4o)`. */
export function describeCallFailure(f: CallFailure): string {
  if (f.pending) return `no response to ${f.method} ${pathOf(f.url)}${f.model ? ` (model ${f.model})` : ''}: still waiting ${Math.round(f.durationMs ?? 0)} ms after it started when the error surfaced`;
  const what = f.status !== undefined ? `${f.status}${f.providerCode ? ` ${f.providerCode}` : ''}` : `${f.netError?.code ?? f.netError?.name ?? 'network error'}`;
  const model = f.model ? ` (model ${f.model})` : '';
  const after = f.status === undefined && f.durationMs !== undefined ? ` after ${Math.round(f.durationMs)} ms` : '';
  return `${what} from ${f.method} ${pathOf(f.url)}${model}${after}`;
}

/** The path and query of a URL (the host is noise in a one-line label). */
export function pathOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(url);
  return m ? m[1] || '/' : url;
}

/** A JSON value a recorded call or tool handed to the agent. */
export interface RecordedValue {
  seq: number;
  kind: 'llm' | 'http' | 'tool' | 'step';
  /** reply: an LLM reply's content; toolArgs: a tool call's arguments; body: an HTTP response body; output: a tool/step result. */
  source: 'reply' | 'toolArgs' | 'body' | 'output';
  /** The raw text (reply content, body text, tool arguments), when the value arrived as text. */
  text?: string;
  /** Parsed JSON (of the text, or the output itself); undefined when the text is not JSON. */
  json?: unknown;
}

/** The values handed to the agent by events up to `beforeSeq` (exclusive), oldest first. */
export function recordedValues(events: readonly TraceEvent[], beforeSeq: number, read: BodyReader = inlineBody): RecordedValue[] {
  const out: RecordedValue[] = [];
  for (const ev of events) {
    if (ev.seq >= beforeSeq) break;
    if (ev.kind === 'llm') {
      const p = ev.payload as LlmPayload;
      if (!p.reply || (p.response && p.response.status >= 400)) continue;
      if (p.reply.content) out.push({ seq: ev.seq, kind: 'llm', source: 'reply', text: p.reply.content, json: tryJson(p.reply.content) });
      for (const tc of p.reply.toolCalls ?? []) out.push({ seq: ev.seq, kind: 'llm', source: 'toolArgs', text: tc.arguments, json: tryJson(tc.arguments) });
    } else if (ev.kind === 'http') {
      const p = ev.payload as HttpPayload;
      const text = read(p.response?.body);
      if (text !== undefined) out.push({ seq: ev.seq, kind: 'http', source: 'body', text, json: tryJson(text) });
    } else if (ev.kind === 'tool' || ev.kind === 'step') {
      const p = ev.payload as StepPayload;
      if (p.output === undefined || p.error) continue;
      if (typeof p.output === 'string') out.push({ seq: ev.seq, kind: ev.kind, source: 'output', text: p.output, json: tryJson(p.output) });
      else out.push({ seq: ev.seq, kind: ev.kind, source: 'output', json: p.output });
    }
  }
  return out;
}
