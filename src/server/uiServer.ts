/**
 * `agenttrace ui`: serves the built renderer and the contract on 127.0.0.1. The contract endpoint requires the
 * per-launch random token (header `x-agenttrace-token`), and so does the event WebSocket (`/api/events?token=`);
 * static files are public, the API is not.
 */
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Dispatch } from '../engine/api/dispatcher.js';
import { RPC_ERROR } from '../shared/errors.js';
import type { EventSubscribe } from '../shared/rpc/contract.js';
import { attachEventSocket } from './eventSocket.js';

export interface UiServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Largest accepted request body (a dropped trace file is uploaded through the contract). */
const MAX_BODY = 256 * 1024 * 1024;

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
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = randomBytes(24).toString('hex');
  const tokenBuf = Buffer.from(token);
  const root = path.resolve(opts.rendererDir);
  const isAuthorized = (given: string): boolean => {
    const buf = Buffer.from(given);
    return buf.length === tokenBuf.length && timingSafeEqual(buf, tokenBuf);
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => send(res, 500, 'text/plain', e instanceof Error ? e.message : String(e)));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/api/call') {
      if (!isAuthorized(String(req.headers['x-agenttrace-token'] ?? ''))) {
        return send(res, 401, 'application/json', JSON.stringify({ ok: false, error: { code: RPC_ERROR.unauthorized, message: 'missing or wrong token' } }));
      }
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only');
      const body = await readBody(req);
      let msg: { method?: unknown; params?: unknown };
      try {
        msg = JSON.parse(body) as { method?: unknown; params?: unknown };
      } catch {
        return send(res, 400, 'application/json', JSON.stringify({ ok: false, error: { code: RPC_ERROR.badJson, message: 'request body is not JSON' } }));
      }
      const result = await opts.dispatch(String(msg.method), msg.params);
      return send(res, 200, 'application/json', JSON.stringify(result));
    }
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'GET only');
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return send(res, 403, 'text/plain', 'forbidden');
    try {
      const data = await readFile(file);
      return send(res, 200, MIME[path.extname(file)] ?? 'application/octet-stream', data);
    } catch {
      return send(res, 404, 'text/plain', 'not found');
    }
  }

  const socket = attachEventSocket(server, { isAuthorized, subscribe: opts.events });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
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
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
