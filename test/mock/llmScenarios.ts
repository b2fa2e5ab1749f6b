/**
 * Failure scenarios of the mock LLM server, for the AutoFix corpus (test/agents/afe/). Every answer is decided by the
 * request alone (body, API key, the client's own retry counter header), so a recording and its replay see the same
 * bytes, and a fresh recording after a fix meets the same failure cause. OpenAI and Groq dialects only.
 *
 * Decided by the API key (Authorization: Bearer …):
 *   contains `revoked`  → 401 invalid_api_key
 *   contains `noquota`  → 429 insufficient_quota (with `x-should-retry: false`, as a billing error is not transient)
 * Decided by the model:
 *   decommissioned names (DECOMMISSIONED) → OpenAI 404 model_not_found, Groq 400 model_decommissioned
 *   `ratelimit-K`   → 429 rate_limit_exceeded (retry-after, OpenAI rate-limit headers) until the client's
 *                     `x-stainless-retry-count` reaches K: `maxRetries >= K` really fixes it
 *   `overloaded-K`  → 503 server_error until the retry count reaches K
 *   `slow-MS`       → a normal reply after MS milliseconds (client timeouts)
 *   `*-Nk`          → context window of N×1024 tokens (≈ 4 characters each): 400 context_length_exceeded past it
 *   `json-fenced`   → JSON wrapped in prose and a ```json fence; plain JSON with response_format json_object/json_schema
 *   `json-loose`    → valid JSON whose `items` is one string; an array with response_format json_schema
 * Tool endpoints (GET):
 *   /weather?city=C → {city, units, current: {temp_c, conditions}}; for a city without a station, no `current`
 *   /rates/CODE     → {base, code, rate}; 404 {error} for an unknown currency
 */
import { createHash } from 'node:crypto';
import type { Dialect } from './llmReplies.js';

type Obj = Record<string, unknown>;

export interface ScenarioResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Models a provider has retired, per dialect. */
export const DECOMMISSIONED: Record<'openai' | 'groq', readonly string[]> = {
  openai: ['gpt-3.5-turbo-0301', 'text-davinci-003', 'gpt-4-0314'],
  groq: ['llama3-70b-8192', 'mixtral-8x7b-32768', 'gemma-7b-it'],
};

/** Cities with a weather station (others get a reply without `current`). */
const STATIONS = ['Paris', 'London', 'Lisbon', 'Tokyo', 'Oslo', 'Madrid'];
const RATES: Record<string, number> = { EUR: 0.92, GBP: 0.79, JPY: 151.2, CHF: 0.9 };

const hashInt = (text: string, mod: number): number => parseInt(createHash('sha256').update(text).digest('hex').slice(0, 8), 16) % mod;

function apiError(message: string, type: string, code: string | null, param: string | null = null): Obj {
  return { error: { message, type, param, code } };
}

/** Rough token count of a request (≈ 4 characters per token, as providers' own estimates go). */
export function estimateTokens(request: Obj): number {
  const msgs = Array.isArray(request.messages) ? (request.messages as Obj[]) : [];
  const chars = msgs.reduce((n, m) => n + (typeof m?.content === 'string' ? m.content.length : JSON.stringify(m?.content ?? '').length), 0);
  return Math.ceil(chars / 4);
}

function bearer(headers: Record<string, string>): string {
  return (headers.authorization ?? '').replace(/^Bearer\s+/i, '');
}

/** The provider error a request gets before any reply is planned, or null. */
export function scenarioError(dialect: Dialect, request: Obj, headers: Record<string, string>): ScenarioResponse | null {
  if (dialect === 'anthropic') return null;
  const key = bearer(headers);
  const model = typeof request.model === 'string' ? request.model : '';
  const retry = Number(headers['x-stainless-retry-count'] ?? 0) || 0;
  if (key.includes('revoked')) {
    const masked = `${key.slice(0, 6)}${'*'.repeat(Math.max(0, key.length - 10))}${key.slice(-4)}`;
    const message = dialect === 'groq' ? 'Invalid API Key' : `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    return { status: 401, body: apiError(message, 'invalid_request_error', 'invalid_api_key') };
  }
  if (key.includes('noquota')) {
    const message = 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';
    return { status: 429, body: apiError(message, 'insufficient_quota', 'insufficient_quota'), headers: { 'x-should-retry': 'false' } };
  }
  if (DECOMMISSIONED[dialect].includes(model)) {
    return dialect === 'groq'
      ? { status: 400, body: apiError(`The model \`${model}\` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.`, 'invalid_request_error', 'model_decommissioned') }
      : { status: 404, body: apiError(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found') };
  }
  const rl = /^ratelimit-(\d+)$/.exec(model);
  if (rl && retry < Number(rl[1])) {
    const message = `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20ms.`;
    return {
      status: 429,
      body: apiError(message, 'requests', 'rate_limit_exceeded'),
      headers: { 'retry-after': '1', 'retry-after-ms': '20', 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20ms' },
    };
  }
  const ov = /^overloaded-(\d+)$/.exec(model);
  if (ov && retry < Number(ov[1])) {
    return { status: 503, body: apiError('The server is overloaded or not ready yet.', 'server_error', null), headers: { 'retry-after-ms': '20' } };
  }
  const ctx = /-(\d+)k$/.exec(model);
  if (ctx) {
    const limit = Number(ctx[1]) * 1024;
    const used = estimateTokens(request);
    if (used > limit) {
      const message = `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${used} tokens. Please reduce the length of the messages.`;
      return { status: 400, body: apiError(message, 'invalid_request_error', 'context_length_exceeded', 'messages') };
    }
  }
  return null;
}

/** Extra latency of a scenario model (`slow-MS`), in ms. */
export function scenarioDelay(request: Obj): number {
  const m = typeof request.model === 'string' ? /^slow-(\d+)$/.exec(request.model) : null;
  return m ? Number(m[1]) : 0;
}

/** The JSON object a JSON scenario model answers with, from the last user text ("Pack for Oslo: a, b and c"). */
function jsonAnswer(text: string): { topic: string; items: string[] } {
  const colon = text.indexOf(':');
  const topic = (colon >= 0 ? text.slice(0, colon) : text).trim();
  const list = colon >= 0 ? text.slice(colon + 1) : text;
  const items = list
    .split(/,|\band\b/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { topic, items };
}

/** The reply content of a JSON scenario model, or null for other models. */
export function scenarioContent(request: Obj, lastUserText: string): string | null {
  const model = request.model;
  if (model !== 'json-fenced' && model !== 'json-loose') return null;
  const format = (request.response_format as Obj | undefined)?.type;
  const answer = jsonAnswer(lastUserText);
  if (model === 'json-fenced') {
    if (format === 'json_object' || format === 'json_schema') return JSON.stringify(answer);
    return `Sure! Here is the JSON you asked for:\n\n\`\`\`json\n${JSON.stringify(answer, null, 2)}\n\`\`\``;
  }
  if (format === 'json_schema') return JSON.stringify(answer);
  return JSON.stringify({ topic: answer.topic, items: answer.items.join(', ') });
}

/** Tool HTTP endpoints (GET), or null when the path is not one. */
export function toolRoute(method: string, path: string, query: URLSearchParams): ScenarioResponse | null {
  if (method !== 'GET') return null;
  if (path === '/weather') {
    const city = query.get('city') ?? '';
    const station = STATIONS.find((s) => s.toLowerCase() === city.trim().toLowerCase());
    if (!station) return { status: 200, body: { city, units: 'metric', alerts: [] } };
    const conditions = ['sunny', 'cloudy', 'rain', 'windy'][hashInt(station, 4)];
    return { status: 200, body: { city: station, units: 'metric', current: { temp_c: 5 + hashInt(station + 't', 25), conditions } } };
  }
  const rate = /^\/rates\/([A-Za-z]{3})$/.exec(path);
  if (rate) {
    const code = rate[1].toUpperCase();
    if (RATES[code] === undefined) return { status: 404, body: { error: `unknown currency ${code}` } };
    return { status: 200, body: { base: 'USD', code, rate: RATES[code] } };
  }
  return null;
}
