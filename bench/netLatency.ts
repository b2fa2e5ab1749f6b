/**
 * Benchmark: latency added per recorded HTTP call (goal: <= 0.2 ms median) and to the first streamed chunk, against
 * the mock LLM server at 0 ms latency, in-process. Recorded and baseline calls alternate in the same run so both see
 * the same JIT state and the same server:
 *   - fetch: built-in fetch with an undici Agent, plain vs composed with the recording interceptor;
 *   - http: the original http.request vs the patched one (patch removed afterwards).
 * A throwaway Recorder writes every event and patch to a temporary journal, as in a real run.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { startMockLlm } from '../test/mock/llmServer.js';
import { throwawayRecorder } from '../sdk/net/throwawayRecorder.js';
import { recordingInterceptor } from '../sdk/net/undiciHook.js';
import { installHttp } from '../sdk/net/httpHook.js';

const CALLS = 300;
const WARMUP = 50;

type Dispatcher = object;
interface AgentLike {
  compose(i: unknown): Dispatcher;
  close(): Promise<void>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const chatBody = (i: number, stream = false): string => JSON.stringify({ model: 'bench', stream, messages: [{ role: 'user', content: `bench call ${i}` }] });

async function timeFetch(url: string, dispatcher: Dispatcher, i: number): Promise<number> {
  const t = performance.now();
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody(i), dispatcher } as RequestInit);
  await r.text();
  return performance.now() - t;
}

async function timeFirstChunk(url: string, dispatcher: Dispatcher, i: number): Promise<number> {
  const t = performance.now();
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody(i, true), dispatcher } as RequestInit);
  const reader = r.body!.getReader();
  await reader.read();
  const first = performance.now() - t;
  // Drain the rest so the connection is reused.
  while (!(await reader.read()).done);
  return first;
}

function timeHttp(request: typeof http.request, url: URL, i: number): Promise<number> {
  const t = performance.now();
  const body = chatBody(i);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(performance.now() - t));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Alternates baseline and recorded runs (order swapped each round) and returns the median difference in ms. */
async function added(n: number, base: (i: number) => Promise<number>, recorded: (i: number) => Promise<number>): Promise<number> {
  const b: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    await base(i);
    await recorded(i);
  }
  for (let i = 0; i < n; i++) {
    if (i % 2) {
      b.push(await base(i));
      r.push(await recorded(i));
    } else {
      r.push(await recorded(i));
      b.push(await base(i));
    }
  }
  return Math.round((median(r) - median(b)) * 1000) / 1000;
}

export async function benchNetLatency(): Promise<{ fetchMedianAddedMs: number; httpMedianAddedMs: number; firstChunkAddedMs: number }> {
  const mock = await startMockLlm({ latencyMs: 0, chunkDelayMs: 1 });
  const { rec } = throwawayRecorder();
  const require = createRequire(import.meta.url);
  const Agent = require('undici/lib/dispatcher/agent.js') as new (opts?: object) => AgentLike;
  const plainAgent = new Agent();
  const recordingAgent = new Agent();
  const plain = plainAgent.compose(null);
  const recording = recordingAgent.compose(recordingInterceptor(rec));
  const chatUrl = `${mock.url}/v1/chat/completions`;
  const originalRequest = http.request;
  const uninstall = installHttp(rec);
  const httpAgent = new http.Agent({ keepAlive: true });
  const baseRequest = ((opts: http.RequestOptions, cb: (res: http.IncomingMessage) => void) => originalRequest({ ...opts, agent: httpAgent }, cb)) as typeof http.request;
  const patchedRequest = ((opts: http.RequestOptions, cb: (res: http.IncomingMessage) => void) => http.request({ ...opts, agent: httpAgent }, cb)) as typeof http.request;
  try {
    const fetchMedianAddedMs = await added(CALLS, (i) => timeFetch(chatUrl, plain, i), (i) => timeFetch(chatUrl, recording, i));
    const url = new URL(mock.url);
    const httpMedianAddedMs = await added(CALLS, (i) => timeHttp(baseRequest, url, i), (i) => timeHttp(patchedRequest, url, i));
    const firstChunkAddedMs = await added(Math.round(CALLS / 3), (i) => timeFirstChunk(chatUrl, plain, i), (i) => timeFirstChunk(chatUrl, recording, i));
    return { fetchMedianAddedMs, httpMedianAddedMs, firstChunkAddedMs };
  } finally {
    uninstall();
    httpAgent.destroy();
    rec.end('ok', { code: 0 });
    await Promise.all([plainAgent.close(), recordingAgent.close()]);
    await mock.close();
  }
}

// Run directly: `node --import tsx bench/netLatency.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchNetLatency());
}
