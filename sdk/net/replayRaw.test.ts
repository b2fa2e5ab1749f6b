/**
 * Raw clients at both layers: compressed bodies are replayed as the recorded wire bytes (the client decodes them
 * again), chunked event streams reach the agent chunk by chunk, and recorded connection errors come back as the
 * same errors — without any connection: the test server counts requests, the closed port stays untouched (a
 * connection attempt would be a `network-blocked` divergence).
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedLoopbackPort, listenLoopback, netShape, recordForReplay, replayNet } from '../../test/helpers/replayNetHarness.js';

let server: http.Server;
let url = '';
let requests = 0;
let closedPort = 0;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++;
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      if (req.url === '/gzip') {
        const body = zlib.gzipSync(JSON.stringify({ msg: 'compressed hello' }));
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
        res.end(body);
        return;
      }
      const n = (JSON.parse(Buffer.concat(parts).toString() || '{}') as { n?: number }).n ?? 1;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      void (async () => {
        for (let i = 0; i < n; i++) {
          await sleep(25);
          res.write(`data: ${i}\n\n`);
        }
        res.end();
      })();
    });
  });
  url = await listenLoopback(server);
  closedPort = await closedLoopbackPort();
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('raw clients', () => {
  it('gzip, chunked streams and connection errors replay identically without touching the network', async () => {
    const env = { RAW_URL: url, CLOSED_PORT: String(closedPort) };
    const rec = await recordForReplay('test/agents/replay-net-raw.mjs', env);
    expect(rec.run.stdout).toContain('fetch gzip: 200 gzip compressed hello');
    expect(rec.run.stdout).toContain('http sse: 200 3 chunks: data: 0 data: 1 data: 2');
    expect(rec.run.stdout).toContain('http failed: ECONNREFUSED');
    expect(rec.run.stdout).toContain('undici fetch gzip: 200 compressed hello');
    expect(rec.run.stdout).toContain('fetch streamed body: 200 2 events');
    // Recorded wire bytes: the gzip body is stored as binary, with its content-encoding.
    const gz = rec.tape.calls.filter((c) => c.request.url.endsWith('/gzip'));
    expect(gz.map((c) => c.layer).sort()).toEqual(['fetch', 'fetch', 'http']);
    for (const c of gz) expect(zlib.gunzipSync(Buffer.from(c.response!.bodyB64!, 'base64')).toString()).toContain('compressed hello');
    expect(rec.tape.calls.filter((c) => c.error?.code === 'ECONNREFUSED')).toHaveLength(2);

    const served = requests;
    const r = await replayNet('test/agents/replay-net-raw.mjs', rec.tape, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.divergence).toBeUndefined();
    expect(requests).toBe(served);
    expect(r.stdout).toBe(rec.run.stdout);
    expect(netShape(r.events)).toEqual(netShape(rec.events));
    expect(r.stderr).toContain('CTX [false]');
  });
});
