/**
 * DNS-rebinding and cross-site defence of the workbench server, checked on every HTTP request and on the WebSocket
 * upgrade before anything else (the token is a second, independent lock). A page on evil.example whose name is
 * rebound to 127.0.0.1 reaches the port with `Host: evil.example:<port>`; a page that posts to the port from another
 * site carries its own `Origin`. So: `Host` must name a loopback address with the server's port, and `Origin`, when
 * the client sends one, must be one of those same loopback origins over http.
 */
import type http from 'node:http';

export interface Refusal {
  status: number;
  message: string;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The `Host` values this server answers to. */
export function allowedHosts(port: number): Set<string> {
  return new Set(LOOPBACK_NAMES.map((h) => `${h}:${port}`));
}

/** Why `req` must be refused (403), or undefined when its Host and Origin are this server's own. */
export function loopbackRefusal(req: http.IncomingMessage, port: number): Refusal | undefined {
  const hosts = allowedHosts(port);
  const host = req.headers.host;
  if (!host || !hosts.has(host.toLowerCase())) {
    return { status: 403, message: `forbidden: Host ${JSON.stringify(host ?? '')} is not this server (expected 127.0.0.1:${port}, localhost:${port} or [::1]:${port})` };
  }
  const origin = req.headers.origin;
  // No Origin: a same-origin GET, curl, or the CLI; browsers send one on every cross-origin request and WebSocket.
  if (origin !== undefined && !hostsOfOrigins(hosts).has(origin.toLowerCase())) {
    return { status: 403, message: `forbidden: Origin ${JSON.stringify(origin)} is not this server (only http://127.0.0.1:${port}, http://localhost:${port} or http://[::1]:${port})` };
  }
  return undefined;
}

function hostsOfOrigins(hosts: Set<string>): Set<string> {
  return new Set([...hosts].map((h) => `http://${h}`));
}
