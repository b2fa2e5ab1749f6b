/**
 * A real mock LLM server for tests: HTTP on 127.0.0.1 (random port) speaking the OpenAI/Groq chat-completions wire
 * format (JSON and SSE) and Anthropic's /v1/messages. Replies are derived from the request only, so a recorded run
 * and its replay see the same bytes. Routes:
 *   POST /v1/chat/completions         (OpenAI: baseURL `${url}/v1`)
 *   POST /openai/v1/chat/completions  (Groq: groq-sdk baseURL `${url}`)
 *   POST /v1/messages                 (Anthropic: baseURL `${url}`)
 *   POST /v1/responses                (OpenAI Responses API, JSON and SSE: llmResponsesReplies.ts)
 *   GET  /health                      → 200 "ok"
 * Special models: `error-429` → 429 with `retry-after: 0`; `error-500` → 500. The AutoFix corpus's failure scenarios
 * (API keys, decommissioned and scenario models, context windows, tool endpoints) are in llmScenarios.ts.
 * Per-request latency: an `x-mock-delay: <ms>` request header replaces the server latency for that request (tests of
 * concurrent calls completing in a chosen order; headers are not part of a call's fingerprint).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicReply, anthropicStreamEvents, openAiReply, openAiStreamChunks, type Dialect } from './llmReplies.js';
import { responsesReply, responsesStreamEvents } from './llmResponsesReplies.js';
import { scenarioDelay, scenarioError, toolRoute } from './llmScenarios.js';

export interface MockRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON, or the raw string when the body is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are arbitrary JSON; tests index into them freely
  body: any;
}

export interface MockLlmServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Every request received, in arrival order. */
  requests: MockRequest[];
  close(): Promise<void>;
  /** Delay before each response starts (ms). */
  setLatency(ms: number): void;
}

export interface MockLlmOptions {
  latencyMs?: number;
  /** Delay between SSE chunks (ms). */
  chunkDelayMs?: number;
}

const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

export async function startMockLlm(opts: MockLlmOptions = {}): Promise<MockLlmServer> {
  let latencyMs = opts.latencyMs ?? 0;
  const chunkDelayMs = opts.chunkDelayMs ?? 0;
  const requests: MockRequest[] = [];

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : raw;
      } catch {
        // Not JSON: keep the raw text.
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const url = new URL(req.url ?? '/', 'http://mock');
      const path = url.pathname;
      requests.push({ method: req.method ?? 'GET', path, headers, body });
      const delay = Number(headers['x-mock-delay']);
      const call: Call = { method: req.method ?? 'GET', path, query: url.searchParams, headers, body };
      void handle(call, res, Number.isFinite(delay) && delay >= 0 ? delay : latencyMs, chunkDelayMs).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setLatency(ms: number) {
      latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets must not keep close() waiting.
        server.closeAllConnections();
      }),
  };
}

interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

async function handle(call: Call, res: http.ServerResponse, latencyMs: number, chunkDelayMs: number): Promise<void> {
  const { method, path, body } = call;
  await sleep(latencyMs);
  if (method === 'GET' && path === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  const tool = toolRoute(method, path, call.query);
  if (tool) return sendJson(res, tool.status, tool.body, tool.headers);
  if (method === 'POST' && path === '/v1/responses') return handleResponses(call, res, chunkDelayMs);
  const dialect: Dialect | null =
    method === 'POST' && (path === '/v1/chat/completions' || path === '/openai/v1/chat/completions')
      ? path.startsWith('/openai/')
        ? 'groq'
        : 'openai'
      : method === 'POST' && path === '/v1/messages'
        ? 'anthropic'
        : null;
  if (!dialect) {
    sendJson(res, 404, { error: { message: `no route for ${method} ${path}`, type: 'invalid_request_error', param: null, code: 'not_found' } });
    return;
  }
  if (!body || typeof body !== 'object') {
    sendJson(res, 400, { error: { message: 'request body must be JSON', type: 'invalid_request_error', param: null, code: null } });
    return;
  }
  const request = body as Record<string, unknown>;
  const model = typeof request.model === 'string' ? request.model : '';
  if (model === 'error-429' || model === 'error-500') {
    sendError(res, dialect, model === 'error-429' ? 429 : 500);
    return;
  }
  const failure = scenarioError(dialect, request, call.headers);
  if (failure) return sendJson(res, failure.status, failure.body, failure.headers);
  await sleep(scenarioDelay(request));
  if (res.destroyed) return;
  const stream = request.stream === true;
  if (dialect === 'anthropic') {
    if (!stream) return sendJson(res, 200, anthropicReply(request));
    return sendSse(res, anthropicStreamEvents(request).map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`), chunkDelayMs);
  }
  if (!stream) return sendJson(res, 200, openAiReply(request, dialect));
  const frames = openAiStreamChunks(request, dialect).map((c) => `data: ${JSON.stringify(c)}\n\n`);
  frames.push('data: [DONE]\n\n');
  return sendSse(res, frames, chunkDelayMs);
}

async function handleResponses(call: Call, res: http.ServerResponse, chunkDelayMs: number): Promise<void> {
  if (!call.body || typeof call.body !== 'object') {
    sendJson(res, 400, { error: { message: 'request body must be JSON', type: 'invalid_request_error', param: null, code: null } });
    return;
  }
  const request = call.body as Record<string, unknown>;
  if (request.model === 'error-429' || request.model === 'error-500') return sendError(res, 'openai', request.model === 'error-429' ? 429 : 500);
  const failure = scenarioError('openai', request, call.headers);
  if (failure) return sendJson(res, failure.status, failure.body, failure.headers);
  if (request.stream !== true) return sendJson(res, 200, responsesReply(request));
  return sendSse(res, responsesStreamEvents(request).map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`), chunkDelayMs);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'x-request-id': 'req_mock', ...extra });
  res.end(text);
}

function sendError(res: http.ServerResponse, dialect: Dialect, status: 429 | 500): void {
  const message = status === 429 ? 'Rate limit reached (mock)' : 'Internal server error (mock)';
  const extra: Record<string, string> = status === 429 ? { 'retry-after': '0', 'retry-after-ms': '0' } : {};
  if (dialect === 'anthropic') {
    sendJson(res, status, { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message } }, extra);
    return;
  }
  const error = status === 429 ? { message, type: 'requests', param: null, code: 'rate_limit_exceeded' } : { message, type: 'server_error', param: null, code: null };
  sendJson(res, status, { error }, extra);
}

async function sendSse(res: http.ServerResponse, frames: string[], chunkDelayMs: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': 'req_mock' });
  // Headers go out at once so the client sees the response start before the first chunk.
  res.flushHeaders();
  for (let i = 0; i < frames.length; i++) {
    if (i > 0) await sleep(chunkDelayMs);
    if (res.destroyed) return;
    res.write(frames[i]);
  }
  res.end();
}
