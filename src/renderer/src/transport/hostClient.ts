/**
 * The contract client for this window: Electron IPC through the preload bridge, or, in a browser opened by
 * `agenttrace ui`, HTTP to the local server with the per-launch token from the URL, and host events over a
 * WebSocket on the same port.
 * The WebSocket reconnects with an exponential backoff (1 s doubling to 30 s, with jitter, paused while the page is
 * hidden) and never logs: the connection state is shown in the header instead. Each failed attempt costs one line
 * of the browser's own console, so the backoff is what keeps an outage from flooding it. A 401 from the host (a tab
 * left open across a restart of `agenttrace ui`: the token changed) stops every retry for good.
 */
import { createClient, type Transport } from '../../../shared/rpc/client';
import { EVENTS_PATH, type EventSubscribe, type PreloadBridge, type RpcResult, type WorkbenchApi, type WorkbenchEvent } from '../../../shared/rpc/contract';

declare global {
  interface Window {
    agenttrace?: PreloadBridge;
  }
}

/** 'reconnecting': the event socket dropped and is being retried; 'unauthorized': the token was refused. */
export type ConnectionState = 'ok' | 'reconnecting' | 'unauthorized';

export interface Connection {
  get(): ConnectionState;
  watch(cb: (s: ConnectionState) => void): () => void;
}

export interface Host {
  api: WorkbenchApi;
  subscribe: EventSubscribe;
  connection: Connection;
}

export const RETRY_FIRST_MS = 1000;
export const RETRY_MAX_MS = 30_000;
/** A socket no one listens to is closed after this long (navigating between screens resubscribes at once). */
const IDLE_CLOSE_MS = 2000;

/** The wait before reconnect attempt `n` (0-based): doubling from RETRY_FIRST_MS, capped, +-20 % jitter. */
export function retryDelay(n: number, random = Math.random): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(n, 16));
  return Math.round(base * (0.8 + 0.4 * random()));
}

function connectionState(): Connection & { set(s: ConnectionState): void } {
  let state: ConnectionState = 'ok';
  const watchers = new Set<(s: ConnectionState) => void>();
  return {
    get: () => state,
    watch(cb) {
      watchers.add(cb);
      return () => watchers.delete(cb);
    },
    set(s) {
      // Unauthorized is final: the token will not become right again.
      if (s === state || state === 'unauthorized') return;
      state = s;
      for (const w of [...watchers]) w(s);
    },
  };
}

function httpTransport(token: string, conn: ReturnType<typeof connectionState>): Transport {
  return async (method, params) => {
    const res = await fetch('/api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-agenttrace-token': token },
      body: JSON.stringify({ method, params }),
    });
    if (res.status === 401) conn.set('unauthorized');
    return (await res.json()) as RpcResult<unknown>;
  };
}

/** One shared WebSocket for all subscribers, opened on first subscribe. */
function socketEvents(token: string, conn: ReturnType<typeof connectionState>): EventSubscribe {
  const listeners = new Set<(e: WorkbenchEvent) => void>();
  let socket: WebSocket | null = null;
  let attempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const wanted = (): boolean => listeners.size > 0 && conn.get() !== 'unauthorized';
  const schedule = (): void => {
    if (retryTimer !== undefined || !wanted()) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (document.hidden) return; // resumed by visibilitychange
      if (wanted() && !socket) open();
    }, retryDelay(attempts++));
  };
  const open = (): void => {
    const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${proto}://${window.location.host}${EVENTS_PATH}?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
      conn.set('ok');
    };
    ws.onmessage = (m) => {
      let event: WorkbenchEvent;
      try {
        event = JSON.parse(String(m.data)) as WorkbenchEvent;
      } catch {
        return;
      }
      for (const l of [...listeners]) l(event);
    };
    ws.onclose = () => {
      if (socket === ws) socket = null;
      if (!wanted()) return;
      conn.set('reconnecting');
      schedule();
    };
  };
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && wanted() && !socket && retryTimer === undefined) open();
  });

  return (cb) => {
    listeners.add(cb);
    clearTimeout(idleTimer);
    if (!socket && retryTimer === undefined && wanted()) open();
    return () => {
      listeners.delete(cb);
      if (listeners.size > 0) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        if (listeners.size > 0) return;
        clearTimeout(retryTimer);
        retryTimer = undefined;
        const s = socket;
        socket = null;
        s?.close();
      }, IDLE_CLOSE_MS);
    };
  };
}

export function connectHost(): Host | null {
  const bridge = window.agenttrace;
  if (bridge) {
    // IPC has no token and no reconnects.
    return { api: createClient((method, params) => bridge.call(method, params)), subscribe: (cb) => bridge.onEvent(cb), connection: connectionState() };
  }
  const token = new URLSearchParams(window.location.search).get('token');
  if (!token) return null;
  const conn = connectionState();
  return { api: createClient(httpTransport(token, conn)), subscribe: socketEvents(token, conn), connection: conn };
}
