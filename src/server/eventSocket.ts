/**
 * Host events over a WebSocket on the server's own port: `GET /api/events?token=…` upgrades, anything else (a Host or
 * Origin the guard refuses, wrong path, missing or wrong token) is answered with an HTTP error and the socket closed
 * before any upgrade. Every
 * contract event is pushed to every open socket as one JSON text frame `{type, data}`.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENTS_PATH, type EventSubscribe } from '../shared/rpc/contract.js';
import type { Refusal } from './loopbackGuard.js';

export interface EventSocket {
  /** Open sockets (tests and diagnostics). */
  clients(): number;
  close(): Promise<void>;
}

export interface EventSocketOptions {
  isAuthorized(token: string): boolean;
  subscribe?: EventSubscribe;
  /** Checked first on every upgrade (Host, Origin): a refusal is answered with its status and message. */
  guard?(req: http.IncomingMessage): Refusal | undefined;
}

export function attachEventSocket(server: http.Server, opts: EventSocketOptions): EventSocket {
  // The server is attached by hand (noServer) so the token is checked before the upgrade completes.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = opts.guard?.(req);
    if (refusal) return refuse(socket, refusal.status, 'Forbidden', refusal.message);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return refuse(socket, 400, 'Bad Request');
    }
    if (url.pathname !== EVENTS_PATH) return refuse(socket, 404, 'Not Found');
    if (!opts.isAuthorized(url.searchParams.get('token') ?? '')) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // The UI never sends anything meaningful; incoming frames are ignored.
      ws.on('error', () => sockets.delete(ws));
    });
  });

  const unsubscribe = opts.subscribe?.((event) => {
    const frame = JSON.stringify(event);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  return {
    clients: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe?.();
        for (const ws of sockets) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

function refuse(socket: Duplex, status: number, text: string, body = text): void {
  socket.on('error', () => undefined);
  socket.once('finish', () => socket.destroy());
  const bytes = Buffer.from(body, 'utf8');
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${bytes.length}\r\n\r\n${body}`);
}
