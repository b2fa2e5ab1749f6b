/**
 * The workbench server refuses what a hostile page or client can send, with raw HTTP over real sockets: a Host or
 * Origin that is not this loopback server (DNS rebinding, cross-site) → 403, on HTTP and on the WebSocket upgrade;
 * a malformed URI, a `null` or invalid JSON body → 400; a body over the limit → 413 before it is read (declared by
 * Content-Length or counted while a chunked body streams); and the server listens on 127.0.0.1 only.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../engine/api/dispatcher.js';
import { fixtureStore, ROOT_ID } from '../engine/api/fixtureStore.js';
import { createWorkbenchApi } from '../engine/api/workbenchApi.js';
import type { TraceStore } from '../engine/store/store.js';
import { removeTmpHomes } from '../engine/store/testJournal.js';
import { startUiServer, type UiServer } from './uiServer.js';

const LIMIT = 4096;
let store: TraceStore;
let server: UiServer;
let rendererDir: string;

beforeAll(async () => {
  store = fixtureStore();
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-renderer-'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>AgentTrace</title>');
  server = await startUiServer({ dispatch: createDispatcher(createWorkbenchApi(store)), rendererDir, maxBodyBytes: LIMIT });
});
afterAll(async () => {
  await server.close();
  store.close();
  fs.rmSync(rendererDir, { recursive: true, force: true });
  removeTmpHomes();
});

interface RawResponse {
  status: number;
  head: string;
  body: string;
  /** Milliseconds from the first byte written to the connection's end. */
  ms: number;
}

/**
 * Writes `head` (request line and headers, CRLF-joined, without the blank line) and `body` to a fresh socket and
 * reads until the server closes it. `more`: called every 5 ms until the server answers; it writes more body bytes.
 */
function raw(head: string[], body = '', more?: (sock: net.Socket) => void): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const sock = net.connect(server.port, '127.0.0.1');
    let got = '';
    let timer: NodeJS.Timeout | undefined;
    sock.on('data', (d: Buffer) => {
      got += d.toString('utf8');
      clearInterval(timer);
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearInterval(timer);
      const [h, ...rest] = got.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(h)?.[1]);
      if (!status) return reject(new Error(`no HTTP response: ${JSON.stringify(got)}`));
      resolve({ status, head: h, body: rest.join('\r\n\r\n'), ms: Date.now() - started });
    });
    sock.write(`${[...head, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`);
    if (more) timer = setInterval(() => sock.writable && more(sock), 5);
    setTimeout(() => sock.destroy(), 10_000).unref();
  });
}

const host = (): string => `Host: 127.0.0.1:${server.port}`;
const call = (body: string, extra: string[] = []): Promise<RawResponse> =>
  raw(['POST /api/call HTTP/1.1', host(), `x-agenttrace-token: ${server.token}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, ...extra], body);

describe('ui server: Host and Origin (DNS rebinding, cross-site)', () => {
  it('answers its own loopback names, with or without a same-server Origin', async () => {
    for (const name of ['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST']) {
      expect((await raw([`GET /?token=${server.token} HTTP/1.1`, `Host: ${name}:${server.port}`])).status).toBe(200);
    }
    const ok = await call(JSON.stringify({ method: 'getRun', params: { runId: ROOT_ID } }), [`Origin: http://localhost:${server.port}`]);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, result: { id: ROOT_ID } });
  });

  it('a foreign Host is 403 on static files and on the contract, even with the right token', async () => {
    for (const h of [`Host: evil.example:${server.port}`, 'Host: 127.0.0.1', `Host: 127.0.0.1:${server.port + 1}`, `Host: 10.0.0.1:${server.port}`]) {
      const page = await raw(['GET / HTTP/1.1', h]);
      expect(page.status).toBe(403);
      expect(page.body).toMatch(/^forbidden: Host ".*" is not this server \(expected 127\.0\.0\.1:\d+, localhost:\d+ or \[::1\]:\d+\)/);
    }
    const body = JSON.stringify({ method: 'listRuns', params: {} });
    const res = await raw(['POST /api/call HTTP/1.1', `Host: evil.example:${server.port}`, `x-agenttrace-token: ${server.token}`, `Content-Length: ${body.length}`], body);
    expect(res.status).toBe(403);
    expect(res.body).not.toContain(ROOT_ID);
  });

  it('a foreign Origin is 403, the literal "null" origin too', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${server.port}`, `https://127.0.0.1:${server.port}`, 'null']) {
      const res = await call(JSON.stringify({ method: 'listRuns', params: {} }), [`Origin: ${origin}`]);
      expect(res.status).toBe(403);
      expect(res.body).toMatch(/^forbidden: Origin ".*" is not this server/);
      expect(res.body).not.toContain(ROOT_ID);
    }
  });

  it('the WebSocket upgrade with a foreign Origin or Host is refused with 403 before the token is looked at', async () => {
    const url = `ws://127.0.0.1:${server.port}/api/events?token=${server.token}`;
    const status = (ws: WebSocket): Promise<number> =>
      new Promise((resolve) => {
        ws.once('open', () => (ws.close(), resolve(101)));
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => resolve(-1));
      });
    expect(await status(new WebSocket(url, { origin: 'http://evil.example' }))).toBe(403);
    expect(await status(new WebSocket(url, { origin: `http://127.0.0.1:${server.port}` }))).toBe(101);
    const upgrade = ['Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];
    const rebound = await raw([`GET /api/events?token=${server.token} HTTP/1.1`, `Host: evil.example:${server.port}`, 'Connection: Upgrade', ...upgrade]);
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/^forbidden: Host "evil\.example:\d+" is not this server/);
  });
});

describe('ui server: malformed input is a 400, never a 500', () => {
  it('a malformed URI', async () => {
    const res = await raw(['GET /%E0%A4%A HTTP/1.1', host()]);
    expect(res.status).toBe(400);
    expect(res.body).toBe('malformed URI: /%E0%A4%A\n');
  });

  it('a null, array, scalar or invalid JSON body', async () => {
    for (const body of ['null', '[]', '42', '"listRuns"', '{"params":{}}']) {
      const res = await call(body);
      expect(res.status, body).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code: 'ATR_BAD_JSON', message: 'request body must be a JSON object {"method": string, "params": …}' } });
    }
    for (const body of ['{nope', '', '\u0000']) {
      const res = await call(body);
      expect(res.status, body).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code: 'ATR_BAD_JSON', message: 'request body is not JSON' } });
    }
  });
});

describe('ui server: bodies over the limit are 413 before they are buffered', () => {
  it('a declared Content-Length over the limit is refused at once, without waiting for the body', async () => {
    const head = ['POST /api/call HTTP/1.1', host(), `x-agenttrace-token: ${server.token}`, 'Content-Type: application/json', `Content-Length: ${1024 * 1024 * 1024}`];
    // Only a few body bytes are ever sent: an answer proves the server did not wait to read the rest.
    const res = await raw(head, '{"method":');
    expect(res.status).toBe(413);
    expect(res.body).toBe(`request body too large (limit ${LIMIT} bytes)\n`);
    expect(res.ms).toBeLessThan(5000);
  });

  it('a chunked body is counted while it streams and refused once past the limit', async () => {
    const head = ['POST /api/call HTTP/1.1', host(), `x-agenttrace-token: ${server.token}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked'];
    let sent = 0;
    const chunk = 'x'.repeat(1000);
    // Keeps streaming chunks until the server answers: it must answer (and close) by itself.
    const res = await raw(head, '', (sock) => {
      if (sent > 64 * LIMIT) return;
      sent += chunk.length;
      sock.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    });
    expect(res.status).toBe(413);
    expect(res.body).toBe(`request body too large (limit ${LIMIT} bytes)\n`);
    expect(sent).toBeGreaterThan(LIMIT);
    expect(sent).toBeLessThan(64 * LIMIT);
  });

  it('a body within the limit is served', async () => {
    const body = JSON.stringify({ method: 'listRuns', params: {}, pad: 'p'.repeat(LIMIT - 100) });
    const res = await call(body);
    expect(res.status).toBe(200);
  });
});

describe('ui server: loopback only', () => {
  it('listens on 127.0.0.1, and another interface of this machine refuses the connection', async () => {
    expect(server.address).toBe('127.0.0.1');
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    // A machine with no other interface has nothing more to show.
    if (!external) return;
    const outcome = await new Promise<string>((resolve) => {
      const sock = net.connect(server.port, external.address);
      sock.once('connect', () => (sock.destroy(), resolve('connected')));
      sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(outcome).toBe('ECONNREFUSED');
  });
});
