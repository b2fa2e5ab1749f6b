/**
 * The contract client for this window: Electron IPC through the preload bridge, or, in a browser opened by
 * `agenttrace ui`, HTTP to the local server with the per-launch token from the URL, and host events over a
 * WebSocket on the same port (reconnecting with a backoff while the page is open).
 */
import { createClient, type Transport } from '../../../shared/rpc/client';
import { EVENTS_PATH, type EventSubscribe, type PreloadBridge, type RpcResult, type WorkbenchApi, type WorkbenchEvent } from '../../../shared/rpc/contract';

declare global {
  interface Window {
    agenttrace?: PreloadBridge;
  }
}

export interface Host {
  api: WorkbenchApi;
  subscribe: EventSubscribe;
}

function httpTransport(token: string): Transport {
  return async (method, params) => {
    const res = await fetch('/api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-agenttrace-token': token },
      body: JSON.stringify({ method, params }),
    });
    return (await res.json()) as RpcResult<unknown>;
  };
}

/** One shared WebSocket for all subscribers, opened on first subscribe. */
function socketEvents(token: string): EventSubscribe {
  const listeners = new Set<(e: WorkbenchEvent) => void>();
  let socket: WebSocket | null = null;
  let retry = 500;
  const open = (): void => {
    const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${proto}://${window.location.host}${EVENTS_PATH}?token=${encodeURIComponent(token)}`);
    socket.onopen = () => (retry = 500);
    socket.onmessage = (m) => {
      let event: WorkbenchEvent;
      try {
        event = JSON.parse(String(m.data)) as WorkbenchEvent;
      } catch {
        return;
      }
      for (const l of [...listeners]) l(event);
    };
    socket.onclose = () => {
      socket = null;
      if (listeners.size === 0) return;
      setTimeout(() => listeners.size > 0 && !socket && open(), retry);
      retry = Math.min(retry * 2, 10_000);
    };
  };
  return (cb) => {
    listeners.add(cb);
    if (!socket) open();
    return () => {
      listeners.delete(cb);
      if (listeners.size === 0) socket?.close();
    };
  };
}

export function connectHost(): Host | null {
  const bridge = window.agenttrace;
  if (bridge) return { api: createClient((method, params) => bridge.call(method, params)), subscribe: (cb) => bridge.onEvent(cb) };
  const token = new URLSearchParams(window.location.search).get('token');
  return token ? { api: createClient(httpTransport(token)), subscribe: socketEvents(token) } : null;
}
