/**
 * One clear line per Groq problem. The lines are built from the status, the provider's error code (when it is a plain
 * identifier), the model name and the base URL's host — never from the SDK's error message, headers or request,
 * which can echo the Authorization header or part of the key.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'groq-sdk';

export interface GroqErrorContext {
  model: string;
  /** host[:port] of the base URL (no userinfo, no path). */
  host: string;
  timeoutMs: number;
  /** Our overall deadline fired (the SDK then reports an abort). */
  timedOut: boolean;
  /** The caller's signal aborted. */
  cancelled: boolean;
}

/** The provider's error code/type when it is a plain identifier (`rate_limit_exceeded`), else undefined. */
function providerCode(e: APIError): string | undefined {
  const body = e.error as { error?: { code?: unknown; type?: unknown }; code?: unknown; type?: unknown } | undefined;
  const inner = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : body;
  for (const c of [inner?.code, inner?.type]) if (typeof c === 'string' && /^[a-z][a-z0-9_.-]{1,60}$/i.test(c)) return c;
  return undefined;
}

/** Seconds to wait from retry-after-ms / retry-after (seconds or an HTTP date); undefined when absent. */
export function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms)) return Math.max(0, Math.ceil(ms / 1000));
  const ra = headers.get('retry-after');
  if (!ra) return undefined;
  const s = Number(ra);
  if (Number.isFinite(s)) return Math.max(0, Math.ceil(s));
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** The network error code somewhere in a cause chain (ECONNREFUSED, ENOTFOUND…). */
function netCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 6 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR_|^ERR_TLS|CERT/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** The one line for a failed Groq call (without the "continuing with heuristics" tail). */
export function describeGroqError(e: unknown, ctx: GroqErrorContext): string {
  if (ctx.cancelled) return 'the Groq request was cancelled';
  if (ctx.timedOut || e instanceof APIConnectionTimeoutError) return `Groq did not answer within ${seconds(ctx.timeoutMs)} (timeout at ${ctx.host})`;
  if (e instanceof APIUserAbortError) return 'the Groq request was cancelled';
  if (e instanceof APIConnectionError) {
    const code = netCode(e);
    if (code === 'ECONNREFUSED') return `cannot reach Groq at ${ctx.host}: connection refused (check GROQ_BASE_URL)`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${ctx.host} (offline or DNS failure)`;
    if (code && (code.startsWith('ERR_TLS') || code.includes('CERT'))) return `TLS error talking to ${ctx.host} (${code})`;
    return `cannot reach Groq at ${ctx.host} (${code ?? 'connection error'})`;
  }
  if (e instanceof APIError && typeof e.status === 'number') {
    const code = providerCode(e);
    const tag = (s: number, word: string) => `${s} ${code ?? word}`;
    const s = e.status;
    if (s === 401) return `Groq rejected the API key (401 invalid key): check or replace it (console.groq.com/keys)`;
    if (s === 403) return `Groq refused access (${tag(403, 'forbidden')}): the key's organisation or region may not be allowed`;
    if (s === 404) return `Groq model "${ctx.model}" not found (${tag(404, 'not found')}): choose another with --model or GROQ_MODEL`;
    if (s === 413 || code === 'context_length_exceeded') return `the prompt is too large for ${ctx.model} (${tag(s, 'request too large')})`;
    if (s === 429) {
      const wait = retryAfterSeconds(e.headers);
      return `rate-limited by Groq (${tag(429, 'rate limit')})${wait !== undefined ? `: retry after ${wait} s` : ''}`;
    }
    if (s === 400 && code === 'json_validate_failed') return `${ctx.model} did not produce valid JSON (400 json_validate_failed)`;
    if (s >= 500) return `Groq server error (${tag(s, s === 503 ? 'unavailable' : 'server error')}): try again later`;
    return `Groq rejected the request (${tag(s, 'error')})`;
  }
  return `the Groq call failed (${e instanceof Error ? e.name : 'unknown error'})`;
}
