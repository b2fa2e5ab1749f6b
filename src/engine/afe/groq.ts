/**
 * The AI path of the AutoFix Engine: Groq, with the user's own key. aiSuggest() sends the masked failure (aiPrompt.ts)
 * to a Groq chat model in JSON mode, validates the answer (aiSchema.ts), applies its edits to the user's files in
 * memory (aiEdits.ts) and returns checked candidates with full new file texts, which then go through the same replay
 * validation as heuristic ones. Every Groq problem comes back as `{ok: false, note}`, one line, and never as a throw:
 * the heuristic path goes on. The key is only ever handed to the SDK: never in the prompt, a note, a returned value
 * or a log line (the SDK's logger is off, and notes are built from status codes, never from SDK messages).
 */
import { Groq } from 'groq-sdk';
import { buildAiCandidates, type AiCandidate } from './aiEdits.js';
import { promptMasker } from './aiMask.js';
import { buildAiPrompt, type AiSuggestInput } from './aiPrompt.js';
import { parseAiAnswer } from './aiSchema.js';
import { describeGroqError, retryAfterSeconds } from './groqErrors.js';
import { DEFAULT_GROQ_MODEL } from './groqModels.js';

export type { AiCandidate } from './aiEdits.js';
export type { AiSuggestInput } from './aiPrompt.js';
export { DEFAULT_GROQ_MODEL, GROQ_MODELS } from './groqModels.js';

export const GROQ_DEFAULT_BASE_URL = 'https://api.groq.com';
export const AI_TIMEOUT_MS = 60_000;
/** Output bound: enough for 4 candidates of search/replace edits, small enough for free-tier token limits. */
export const AI_MAX_TOKENS = 4_096;
const HEURISTICS = '; continuing with heuristics';
export const NO_KEY_NOTE = `no Groq key: pass --api-key, set GROQ_API_KEY, or save one in the workbench settings${HEURISTICS}`;
/** A 429 asking to wait longer than this is reported at once instead of retried (a person is waiting). */
const MAX_RETRY_WAIT_S = 5;

export interface GroqOptions {
  /** The user's key; else GROQ_API_KEY from env. */
  apiKey?: string;
  /** Else GROQ_MODEL from env, else DEFAULT_GROQ_MODEL. */
  model?: string;
  /** Else GROQ_BASE_URL from env, else https://api.groq.com. A trailing /openai/v1 is accepted and dropped. */
  baseURL?: string;
  /** Overall bound of the call, retry included (default 60 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Where GROQ_* and the secret values to mask are read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export type AiSuggestResult =
  | { ok: true; model: string; explanation: string; candidates: AiCandidate[]; notes: string[] }
  | { ok: false; model?: string; note: string };

interface GroqConfig {
  apiKey?: string;
  model: string;
  baseURL: string;
  host: string;
  timeoutMs: number;
}

/** Reads key, model, base URL and timeout from options, then env, then defaults. Throws only for a malformed URL. */
export function resolveGroqConfig(opts: GroqOptions): GroqConfig {
  const env = opts.env ?? process.env;
  const pick = (...vs: (string | undefined)[]): string | undefined => vs.map((v) => v?.trim()).find((v) => !!v);
  const baseURL = (pick(opts.baseURL, env.GROQ_BASE_URL) ?? GROQ_DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/openai\/v1$/, '');
  let host: string;
  try {
    host = new URL(baseURL).host;
  } catch {
    throw new Error('GROQ_BASE_URL is not a valid URL');
  }
  return {
    apiKey: pick(opts.apiKey, env.GROQ_API_KEY),
    model: pick(opts.model, env.GROQ_MODEL) ?? DEFAULT_GROQ_MODEL,
    baseURL,
    host,
    timeoutMs: opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : AI_TIMEOUT_MS,
  };
}

/** fetch that turns a 429 with a long retry-after into a final answer, so the SDK reports it instead of sleeping. */
const failFastFetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const res = await fetch(url, init);
  if (res.status !== 429 || (retryAfterSeconds(res.headers) ?? 0) <= MAX_RETRY_WAIT_S) return res;
  const headers = new Headers(res.headers);
  headers.set('x-should-retry', 'false');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
};

function client(cfg: GroqConfig & { apiKey: string }): Groq {
  return new Groq({ apiKey: cfg.apiKey, baseURL: cfg.baseURL, timeout: cfg.timeoutMs, maxRetries: 1, logLevel: 'off', fetch: failFastFetch });
}

/** An AbortSignal for the whole call: the caller's signal or our deadline, whichever comes first. */
function deadline(ms: number, outer?: AbortSignal): { signal: AbortSignal; timedOut: () => boolean; cancelled: () => boolean; dispose: () => void } {
  const ctl = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    ctl.abort();
  }, ms);
  const onAbort = (): void => ctl.abort();
  if (outer?.aborted) ctl.abort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ctl.signal,
    timedOut: () => fired,
    cancelled: () => !!outer?.aborted,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Asks Groq for the root cause and fix candidates of one failure. Never throws; `ok: false` carries one line for the
 * user. Candidates are full new texts of the given files, checked to parse; the dropped ones are listed in `notes`.
 */
export async function aiSuggest(input: AiSuggestInput, opts: GroqOptions = {}): Promise<AiSuggestResult> {
  let cfg: GroqConfig;
  try {
    cfg = resolveGroqConfig(opts);
  } catch (e) {
    return { ok: false, note: `${(e as Error).message}${HEURISTICS}` };
  }
  const { apiKey, model } = cfg;
  if (!apiKey) return { ok: false, model, note: NO_KEY_NOTE };
  const mask = promptMasker(opts.env ?? process.env, [apiKey]);

  try {
    const prompt = buildAiPrompt(input, mask);
    const call = deadline(cfg.timeoutMs, opts.signal);
    let content: string | null | undefined;
    let finish: string | null | undefined;
    try {
      const completion = await client({ ...cfg, apiKey }).chat.completions.create(
        {
          model,
          messages: [
            { role: 'system', content: prompt.system },
            { role: 'user', content: prompt.user },
          ],
          response_format: { type: 'json_object' },
          temperature: 0,
          max_tokens: AI_MAX_TOKENS,
        },
        { signal: call.signal },
      );
      content = completion.choices?.[0]?.message?.content;
      finish = completion.choices?.[0]?.finish_reason;
    } catch (e) {
      return { ok: false, model, note: `${describeGroqError(e, { model, host: cfg.host, timeoutMs: cfg.timeoutMs, timedOut: call.timedOut(), cancelled: call.cancelled() })}${HEURISTICS}` };
    } finally {
      call.dispose();
    }

    if (finish === 'length') return { ok: false, model, note: `${model}'s answer was cut off at ${AI_MAX_TOKENS} tokens${HEURISTICS}` };
    if (!content?.trim()) return { ok: false, model, note: `${model} returned an empty answer${HEURISTICS}` };
    const parsed = parseAiAnswer(content);
    if (!parsed.ok) return { ok: false, model, note: mask(`${parsed.note}${HEURISTICS}`) };
    const built = await buildAiCandidates(parsed.candidates, prompt.files, input.runCwd, mask);
    return { ok: true, model, explanation: mask(parsed.explanation), candidates: built.candidates, notes: [...parsed.notes, ...built.notes] };
  } catch (e) {
    // Our own bug, not Groq's: still one line, and still no key in it.
    return { ok: false, model, note: mask(`the AI path failed (${e instanceof Error ? e.name : 'error'})${HEURISTICS}`) };
  }
}

export type GroqKeyStatus = 'ok' | 'invalid' | 'rate_limited' | 'error';

/**
 * The workbench's "Test key" button: lists the models the key can use (free, no tokens spent) and says whether the
 * chosen model is among them. Never throws; the message is one line without the key.
 */
export async function testGroqKey(opts: GroqOptions = {}): Promise<{ status: GroqKeyStatus; message: string }> {
  let cfg: GroqConfig;
  try {
    cfg = resolveGroqConfig(opts);
  } catch (e) {
    return { status: 'error', message: (e as Error).message };
  }
  const { apiKey, model } = cfg;
  if (!apiKey) return { status: 'invalid', message: 'no Groq key to test: enter one, pass --api-key or set GROQ_API_KEY' };
  const timeoutMs = opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : 15_000;
  const call = deadline(timeoutMs, opts.signal);
  try {
    const list = await client({ ...cfg, apiKey, timeoutMs }).models.list({ signal: call.signal });
    const ids = (list.data ?? []).map((m) => m.id);
    const has = ids.includes(model);
    return {
      status: 'ok',
      message: has ? `key works: ${ids.length} models available, ${model} among them` : `key works, but model "${model}" is not among its ${ids.length} models: choose another`,
    };
  } catch (e) {
    const line = describeGroqError(e, { model, host: cfg.host, timeoutMs, timedOut: call.timedOut(), cancelled: call.cancelled() });
    const status = (e as { status?: unknown }).status;
    return { status: status === 401 ? 'invalid' : status === 429 ? 'rate_limited' : 'error', message: line };
  } finally {
    call.dispose();
  }
}
