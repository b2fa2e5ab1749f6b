/**
 * Replay at the http/https layer (node-fetch based clients: openai v4, groq-sdk v0; axios, got, raw http).
 * request/get are wrapped outside the recorder's own wrappers: each request gets a one-off agent whose only socket
 * is a ReplaySocket (no connection), then is created by the recorder's wrapper as in a recording. When the agent
 * ends the request, the recorder writes its event (inside end(); inside get() for http.get); right after, the event
 * it wrote gives the fingerprint and the request is answered: recorded bytes into the socket, or a real connection
 * (live), or the ATR_REPLAY_NETWORK error (fail closed).
 * Measured alternative: @mswjs/interceptors' ClientRequestInterceptor (`respondWith`) also works, but it loads in
 * ~32 ms, replaces the global Headers/Request/Response classes, draws Math.random for its request ids inside the
 * agent's async context (that would consume the agent's recorded randomness) and rewrites the request arguments
 * the recorder derives the URL from. This layer keeps the original ClientRequest and parser and costs one object.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { AsyncResource } from 'node:async_hooks';
import { runInternal } from '../core/internal.js';
import { now } from './clock.js';
import type { ReplayNet } from './replayContext.js';
import { deliver, planResponse } from './replayResponse.js';
import { ReplaySocket, socketSink } from './replaySocket.js';

type RequestFn = (...args: unknown[]) => http.ClientRequest;
type ConnectOpts = net.NetConnectOpts & tls.ConnectionOptions & { host?: string; servername?: string };

/** Wraps request/get of http and https; returns a function restoring the previous ones (tests). */
export function installReplayHttp(rnet: ReplayNet): () => void {
  const restore = [patch(rnet, http as unknown as Record<string, unknown>, 'http:'), patch(rnet, https as unknown as Record<string, unknown>, 'https:')];
  return () => restore.forEach((r) => r());
}

function patch(rnet: ReplayNet, mod: Record<string, unknown>, scheme: string): () => void {
  const inner = { request: mod.request as RequestFn, get: mod.get as RequestFn };
  mod.request = function request(this: unknown, ...args: unknown[]): http.ClientRequest {
    return issue(rnet, inner.request, this, args, scheme);
  };
  mod.get = function get(this: unknown, ...args: unknown[]): http.ClientRequest {
    return issue(rnet, inner.get, this, args, scheme);
  };
  return () => {
    mod.request = inner.request;
    mod.get = inner.get;
  };
}

function issue(rnet: ReplayNet, fn: RequestFn, self: unknown, args: unknown[], scheme: string): http.ClientRequest {
  // Live (resume, or after a divergence under policy live): the real request, recorded as usual.
  if (rnet.liveFor(rnet.ctl.rec.steps)) return fn.apply(self, args);
  const opts = optionsOf(args);
  const agent = new ReplayAgent(scheme, opts);
  let mark = rnet.mark();
  const req = fn.apply(self, withAgent(args, agent));
  const answer = (): void => agent.answer(rnet, req, mark);
  if (req.writableEnded) {
    answer();
    return req;
  }
  const end = req.end;
  req.end = function (this: http.ClientRequest, ...rest: unknown[]): http.ClientRequest {
    if (this.writableEnded) return (end as (...a: unknown[]) => http.ClientRequest).apply(this, rest);
    mark = rnet.mark();
    const out = (end as (...a: unknown[]) => http.ClientRequest).apply(this, rest);
    answer();
    return out;
  } as typeof req.end;
  return req;
}

/**
 * One request's agent: no pooling, a ReplaySocket as its only connection. Protocol and default port are those the
 * request would have used with its own agent, so the Host header (part of the recorded URL) is unchanged.
 */
class ReplayAgent extends http.Agent {
  private socket: ReplaySocket | undefined;
  private connectOpts: ConnectOpts | undefined;
  private answered = false;
  /** An answer decided before the socket exists (not expected: Node creates it inside the request constructor). */
  private pending: ((socket: ReplaySocket) => void) | undefined;
  private readonly userAgent: http.Agent | undefined;

  constructor(scheme: string, opts: Record<string, unknown> | undefined) {
    super({ keepAlive: false });
    const user = opts?.agent instanceof http.Agent ? opts.agent : undefined;
    const fallback = opts?._defaultAgent instanceof http.Agent ? opts._defaultAgent : undefined;
    const self = this as unknown as { protocol: string; defaultPort: number };
    const model = (user ?? fallback) as unknown as Partial<{ protocol: string; defaultPort: number }> | undefined;
    self.protocol = model?.protocol ?? scheme;
    self.defaultPort = model?.defaultPort ?? (self.protocol === 'https:' ? 443 : 80);
    this.userAgent = user;
  }

  override createConnection(options: ConnectOpts): net.Socket {
    this.connectOpts = options;
    const socket = new ReplaySocket();
    this.socket = socket;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) process.nextTick(() => pending(socket));
    return socket;
  }

  /** The request was ended: its event was written after `mark`. */
  answer(rnet: ReplayNet, req: http.ClientRequest, mark: number): void {
    if (this.answered) return;
    this.answered = true;
    const t0 = now();
    const ev = rnet.eventSince(mark);
    // The agent's context, for everything the response triggers in the agent.
    const scope = new AsyncResource('agenttrace.replay.http');
    const res = rnet.resolve(ev, `${req.method} ${req.protocol}//${req.host}${req.path}`);
    const respond = (socket: ReplaySocket): void => {
      if (res.kind === 'live') {
        socket.passthrough(() => this.open());
      } else if (res.kind === 'fail') {
        process.nextTick(() => scope.runInAsyncScope(() => socket.destroy(res.error)));
      } else {
        socket.serveFromTape();
        const call = res.call;
        runInternal(() => {
          void deliver(call, planResponse(call), socketSink(socket, scope, req.method), { pace: rnet.ctl.tape.pace, gate: rnet.gate, t0 });
        });
      }
    };
    if (this.socket) respond(this.socket);
    else this.pending = respond;
  }

  /** The real connection the request would have had (through its own agent's createConnection when it has one). */
  private open(): net.Socket {
    const o: ConnectOpts = this.connectOpts ?? ({} as ConnectOpts);
    const user = this.userAgent as unknown as { createConnection?: (o: ConnectOpts) => net.Socket } | undefined;
    if (typeof user?.createConnection === 'function') return user.createConnection(o);
    if ((this as unknown as { protocol: string }).protocol === 'https:') {
      const servername = o.servername ?? (o.host && !net.isIP(o.host) ? o.host : undefined);
      return tls.connect({ ...o, servername } as tls.ConnectionOptions);
    }
    return net.createConnection(o as net.NetConnectOpts);
  }
}

/** The options object among request(url, [options], [cb]) / request(options, [cb]) arguments. */
function optionsOf(args: unknown[]): Record<string, unknown> | undefined {
  const first = args[0];
  if (typeof first === 'string' || first instanceof URL) {
    return args[1] && typeof args[1] === 'object' ? (args[1] as Record<string, unknown>) : undefined;
  }
  return first && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
}

/** The same arguments with `agent` replaced (Node merges URL and options the same way either form). */
function withAgent(args: unknown[], agent: http.Agent): unknown[] {
  const first = args[0];
  if (typeof first === 'string' || first instanceof URL) {
    if (args[1] && typeof args[1] === 'object') return [first, { ...(args[1] as object), agent }, ...args.slice(2)];
    return [first, { agent }, ...args.slice(1)];
  }
  if (first && typeof first === 'object') return [{ ...(first as object), agent }, ...args.slice(1)];
  return args;
}
