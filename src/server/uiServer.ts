/**
 * `agenttrace ui`: serves the built renderer and the contract on 127.0.0.1 only (never another interface). The
 * contract endpoint requires the per-launch random token (header `x-agenttrace-token`), and so does the event
 * WebSocket (`/api/events?token=`); static files are public, the API is not. Before the token, every request and
 * upgrade must name this server in `Host` and, when sent, `Origin` (loopbackGuard.ts: DNS rebinding, cross-site
 * posts). Bad input is a 4xx with a clear message, never a 500: a malformed URI or a body that is not a JSON object
 * is 400, a body over the limit is 413 before it is buffered (Content-Length checked up front, bytes counted while
 * streaming).
 */
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Dispatch } from '../engine/api/dispatcher.js';
import { RPC_ERROR } from '../shared/errors.js';
import type { EventSubscribe } from '../shared/rpc/contract.js';
import { accessPageHtml } from './accessPage.js';
import { attachEventSocket } from './eventSocket.js';
import { loopbackRefusal } from './loopbackGuard.js';

export interface UiServer {
  url: string;
  /** The address listened on: always the IPv4 loopback. */
  address: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Largest accepted request body by default (a dropped trace file is uploaded through the contract). */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface UiServerOptions {
  dispatch: Dispatch;
  rendererDir: string;
  port?: number;
  /** Host events pushed to the UI over the WebSocket. */
  events?: EventSubscribe;
  /** Largest request body accepted (default MAX_BODY_BYTES); larger ones are refused with 413 before buffering. */
  maxBodyBytes?: number;
}

/** A request refused with a status and a message (answered as is, never as a 500). */
class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = randomBytes(24).toString('hex');
  const tokenBuf = Buffer.from(token);
  const root = path.resolve(opts.rendererDir);
  const isAuthorized = (given: string): boolean => {
    const buf = Buffer.from(given);
    return buf.length === tokenBuf.length && timingSafeEqual(buf, tokenBuf);
  };

  const maxBody = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  let port = 0;
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpRefusal) return refuse(req, res, e.status, e.message);
      if (!res.headersSent) send(res, 500, 'text/plain', e instanceof Error ? e.message : String(e));
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const refusal = loopbackRefusal(req, port);
    if (refusal) throw new HttpRefusal(refusal.status, refusal.message);
    const url = requestUrl(req);
    if (url.pathname === '/api/call') {
      if (!isAuthorized(String(req.headers['x-agenttrace-token'] ?? ''))) {
        return refuseJson(req, res, 401, RPC_ERROR.unauthorized, 'missing or wrong token');
      }
      if (req.method !== 'POST') throw new HttpRefusal(405, 'POST only');
      let msg: unknown;
      try {
        msg = JSON.parse(await readBody(req, maxBody));
      } catch (e) {
        if (e instanceof HttpRefusal) throw e;
        return refuseJson(req, res, 400, RPC_ERROR.badJson, 'request body is not JSON');
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg) || typeof (msg as { method?: unknown }).method !== 'string') {
        return refuseJson(req, res, 400, RPC_ERROR.badJson, 'request body must be a JSON object {"method": string, "params": …}');
      }
      const call = msg as { method: string; params?: unknown };
      const result = await opts.dispatch(call.method, call.params);
      return send(res, 200, 'application/json', JSON.stringify(result));
    }
    if (req.method !== 'GET') throw new HttpRefusal(405, 'GET only');
    let rel: string;
    try {
      rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      throw new HttpRefusal(400, `malformed URI: ${url.pathname}`);
    }
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return send(res, 403, 'text/plain', 'forbidden');
    // The workbench page without the right token would load and then fail every call: explain instead.
    if (rel === 'index.html') {
      const given = url.searchParams.get('token');
      if (given === null || given === '') return send(res, 401, 'text/html; charset=utf-8', accessPageHtml('missing'));
      if (!isAuthorized(given)) return send(res, 401, 'text/html; charset=utf-8', accessPageHtml('wrong'));
    }
    try {
      const data = await readFile(file);
      return send(res, 200, MIME[path.extname(file)] ?? 'application/octet-stream', data);
    } catch {
      return send(res, 404, 'text/plain', 'not found');
    }
  }

  const socket = attachEventSocket(server, { isAuthorized, subscribe: opts.events, guard: (req) => loopbackRefusal(req, port) });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const bound = server.address() as AddressInfo;
  port = bound.port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    address: bound.address,
    token,
    port,
    close: async () => {
      await socket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'content-type': type, 'content-length': bytes.length, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(bytes);
}

/** The request's URL (relative to this server); a target URL cannot parse is a 400. */
function requestUrl(req: http.IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    throw new HttpRefusal(400, 'malformed URI');
  }
}

/**
 * Answers a refusal and closes the connection: a body the client may still be sending is never read (nor waited
 * for), so an oversized or unauthorized upload costs nothing.
 */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string, type = 'text/plain; charset=utf-8'): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(type.startsWith('application/json') ? message : `${message}\n`, 'utf8');
  res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', connection: 'close' });
  res.end(body, () => req.socket.destroy());
}

function refuseJson(req: http.IncomingMessage, res: http.ServerResponse, status: number, code: string, message: string): void {
  refuse(req, res, status, JSON.stringify({ ok: false, error: { code, message } }), 'application/json');
}

/** The request body as UTF-8, refused with 413 past `max` bytes: by Content-Length up front, else while streaming. */
function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  const tooLarge = (): HttpRefusal => new HttpRefusal(413, `request body too large (limit ${max} bytes)`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > max) {
        // Stop reading: the refusal is answered and the socket closed; what the client still sends is never read.
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
