/**
 * A Groq-compatible mock for the AFE's AI path: HTTP on 127.0.0.1 (random port), the routes groq-sdk calls
 * (POST /openai/v1/chat/completions, GET /openai/v1/models; baseURL = the server's url). Its mode decides the answer:
 *   good           a valid JSON candidates document built from the prompt: candidate 1 adds a guard comment above the
 *                  first line of the first FILE; candidate 2 (when a line of that file holds ***) edits that line
 *   mixed          5 candidates: the good one, one that breaks the syntax, one on a file not given, a no-op, and a
 *                  fifth past the cap of 4
 *   malformed      JSON that does not parse            schemaInvalid  JSON of the wrong shape
 *   truncated      finish_reason "length"              slow           the good answer after `slowMs`
 *   rateLimited    429 with retry-after `retryAfter`   unauthorized   401 whose message echoes the bearer token
 *   forbidden 403  modelNotFound 404 (names the model) serverError    500
 * Every request is recorded with its raw bytes (request line, headers, body) so tests can scan all of them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export type GroqMockMode =
  | 'good'
  | 'mixed'
  | 'malformed'
  | 'schemaInvalid'
  | 'truncated'
  | 'slow'
  | 'rateLimited'
  | 'unauthorized'
  | 'forbidden'
  | 'modelNotFound'
  | 'serverError';

export interface GroqMockRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body (undefined for GET). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are arbitrary JSON; tests index into them freely
  body: any;
  /** Every byte received: request line, raw headers, body. */
  raw: string;
}

export interface GroqMock {
  /** http://127.0.0.1:PORT — groq-sdk's baseURL. */
  url: string;
  requests: GroqMockRequest[];
  mode: GroqMockMode;
  /** For rateLimited: the retry-after header value (seconds). */
  retryAfter: string;
  /** For slow: delay before answering (ms). */
  slowMs: number;
  /** Forgets recorded requests and goes back to mode good. */
  reset(): void;
  close(): Promise<void>;
}

export const MOCK_MODELS = ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'openai/gpt-oss-120b'];

export async function startGroqMock(): Promise<GroqMock> {
  const state: GroqMock = {
    url: '',
    requests: [],
    mode: 'good',
    retryAfter: '7',
    slowMs: 5_000,
    reset() {
      state.requests.length = 0;
      state.mode = 'good';
      state.retryAfter = '7';
      state.slowMs = 5_000;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const rawHead = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) rawHead.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const path = (req.url ?? '/').split('?')[0];
      state.requests.push({ method: req.method ?? 'GET', path, headers, body, raw: `${rawHead.join('\r\n')}\r\n\r\n${text}` });
      void handle(state, req.method ?? 'GET', path, body, headers, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** One Groq mock per test file, started before its tests and closed after them. */
export function useGroqMock(): GroqMock {
  let mock: GroqMock | undefined;
  beforeAll(async () => {
    mock = await startGroqMock();
  });
  afterAll(async () => {
    await mock?.close();
  });
  return new Proxy({} as GroqMock, {
    get(_t, prop: keyof GroqMock) {
      if (!mock) throw new Error('the Groq mock is started in beforeAll: use it inside tests');
      return mock[prop];
    },
    set(_t, prop: keyof GroqMock, value: never) {
      if (!mock) throw new Error('the Groq mock is started in beforeAll: use it inside tests');
      mock[prop] = value;
      return true;
    },
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function handle(state: GroqMock, method: string, path: string, body: unknown, headers: Record<string, string>, res: http.ServerResponse): Promise<void> {
  const req = (body && typeof body === 'object' ? body : {}) as { model?: string; messages?: { role: string; content: string }[] };
  const model = req.model ?? 'llama-3.3-70b-versatile';
  const isChat = method === 'POST' && path === '/openai/v1/chat/completions';
  const isModels = method === 'GET' && path === '/openai/v1/models';
  if (!isChat && !isModels) return sendJson(res, 404, { error: { message: `no route for ${method} ${path}`, type: 'invalid_request_error', code: 'unknown_url' } });

  switch (state.mode) {
    case 'unauthorized':
      // Like some providers, echo the credential back: the client must never repeat this message.
      return sendJson(res, 401, { error: { message: `Invalid API Key: ${headers.authorization ?? ''}`, type: 'invalid_request_error', code: 'invalid_api_key' } });
    case 'forbidden':
      return sendJson(res, 403, { error: { message: `Forbidden for ${headers.authorization ?? ''}`, type: 'permission_denied', code: 'permission_denied' } });
    case 'rateLimited':
      return sendJson(
        res,
        429,
        { error: { message: `Rate limit reached for model \`${model}\`. Please try again in ${state.retryAfter}s.`, type: 'tokens', code: 'rate_limit_exceeded' } },
        { 'retry-after': state.retryAfter },
      );
    case 'serverError':
      return sendJson(res, 500, { error: { message: 'Internal Server Error', type: 'internal_server_error' } });
    case 'modelNotFound':
      if (isChat) return sendJson(res, 404, { error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', code: 'model_not_found' } });
      break;
    case 'slow':
      await sleep(state.slowMs);
      if (res.destroyed) return;
      break;
    default:
      break;
  }
  if (isModels) {
    return sendJson(res, 200, { object: 'list', data: MOCK_MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'mock', active: true, context_window: 131_072 })) });
  }

  const prompt = req.messages?.find((m) => m.role === 'user')?.content ?? '';
  let content: string;
  let finish = 'stop';
  if (state.mode === 'malformed') content = '{"explanation": "the reply was cut';
  else if (state.mode === 'schemaInvalid') content = JSON.stringify({ explanation: 42, fixes: [] });
  else {
    content = JSON.stringify(answerFor(prompt, state.mode === 'mixed'));
    if (state.mode === 'truncated') {
      content = content.slice(0, 40);
      finish = 'length';
    }
  }
  return sendJson(res, 200, {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: 0 },
    x_groq: { id: 'req_mock' },
  });
}

/** The FILE sections of a prompt: path and full text. */
export function promptFiles(prompt: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const m of prompt.matchAll(/^FILE (\S+)\n(`{3,})[a-z]*\n([\s\S]*?)\n\2$/gm)) out.push({ path: m[1], text: m[3] });
  return out;
}

/** A deterministic answer derived from the prompt (see the header comment). */
function answerFor(prompt: string, mixed: boolean): unknown {
  const cls = /^class: (\S+)/m.exec(prompt)?.[1] ?? 'unknown';
  const file = promptFiles(prompt)[0];
  if (!file) return { explanation: `mock: no file to patch for ${cls}`, candidates: [] };
  const lines = file.text.split('\n');
  const first = lines.find((l) => l.trim()) ?? '';
  const guard = {
    strategy: 'code_patch',
    title: 'Guard the failing call',
    rationale: `mock fix for ${cls}`,
    edits: [{ path: file.path, search: first, replace: `// agenttrace-mock: guard for ${cls}\n${first}` }],
  };
  const candidates: unknown[] = [guard];
  const masked = lines.find((l) => l.includes('***'));
  if (!mixed && masked) {
    candidates.push({
      strategy: 'config_change',
      title: 'Read the key once',
      rationale: 'mock edit of a line holding a masked value',
      edits: [{ path: file.path, search: masked, replace: `${masked} // agenttrace-mock: reviewed` }],
    });
  }
  if (mixed) {
    candidates.push(
      { strategy: 'code_patch', title: 'Broken syntax', rationale: 'does not parse', edits: [{ path: file.path, search: first, replace: `${first}\nfunction (` }] },
      { strategy: 'code_patch', title: 'Foreign file', rationale: 'not given', edits: [{ path: '/etc/hosts', search: 'localhost', replace: 'example' }] },
      { strategy: 'retry_policy', title: 'No-op', rationale: 'changes nothing', edits: [{ path: file.path, search: first, replace: first }] },
      { strategy: 'prompt_change', title: 'Past the cap', rationale: 'fifth', edits: [{ path: file.path, search: first, replace: `// five\n${first}` }] },
    );
  }
  return { explanation: `mock: the run failed with ${cls}; see the first FILE`, candidates };
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'x-request-id': 'req_mock', ...extra });
  res.end(text);
}
