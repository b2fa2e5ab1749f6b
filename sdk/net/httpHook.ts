/**
 * Records calls made through Node's `http`/`https` `request` and `get` (node-fetch, so openai v4 and groq-sdk v0,
 * axios, got...). Our own thin wrapper rather than @mswjs/interceptors' ClientRequestInterceptor: that one replaces
 * every socket with a mock socket that re-parses HTTP even in passthrough (and costs ~30 ms to load), while
 * recording only needs to observe. Here the original ClientRequest, socket and parser stay untouched:
 *   - the request body is seen through the instance's `write`/`end`; the event is emitted when `end` is called;
 *   - the response through the instance's `emit('response')`, and its body chunks through `res.push`, which is what
 *     Node's parser calls as bytes arrive. Wrapping `push` observes each chunk without adding a 'data' listener, so
 *     the agent's flowing/paused mode and timing are unchanged, and a response nobody listens to is still dumped.
 * No internal context is needed around the agent's callbacks: nothing here creates sockets or timers.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Recorder } from '../core/recorder.js';
import { NetCall } from './netCall.js';
import { chunkBytes, headerMap } from './headers.js';
import { BodyCopy } from './bodyCopy.js';

type RequestFn = (...args: unknown[]) => http.ClientRequest;

/**
 * Patches request/get of http and https in place (ESM named imports follow after syncBuiltinESMExports).
 * Returns a function restoring the originals (for in-process benches and tests; the SDK never uninstalls).
 */
export function installHttp(rec: Recorder): () => void {
  const restore = [patchModule(rec, http as unknown as Record<string, unknown>, 'http:'), patchModule(rec, https as unknown as Record<string, unknown>, 'https:')];
  return () => restore.forEach((r) => r());
}

function patchModule(rec: Recorder, mod: Record<string, unknown>, scheme: string): () => void {
  const origRequest = mod.request as RequestFn;
  const origGet = mod.get as RequestFn;
  // http.get/https.get call the module-internal request, so wrapping all four never records a call twice.
  mod.request = function request(this: unknown, ...args: unknown[]): http.ClientRequest {
    const req = origRequest.apply(this, args);
    observe(rec, req, args, scheme);
    return req;
  };
  mod.get = function get(this: unknown, ...args: unknown[]): http.ClientRequest {
    const req = origGet.apply(this, args);
    observe(rec, req, args, scheme);
    return req;
  };
  return () => {
    mod.request = origRequest;
    mod.get = origGet;
  };
}

function observe(rec: Recorder, req: http.ClientRequest, args: unknown[], scheme: string): void {
  try {
    new ObservedRequest(rec, req, args, scheme);
  } catch (e) {
    rec.fault('http recording', e);
  }
}

class ObservedRequest {
  private call: NetCall | null = null;
  private readonly body = new BodyCopy();
  private started = false;
  private finished = false;

  constructor(
    private readonly rec: Recorder,
    private readonly req: http.ClientRequest,
    private readonly args: unknown[],
    private readonly scheme: string,
  ) {
    const onEvent = (event: string | symbol, arg: unknown): void => {
      if (event === 'response') this.onResponse(arg as IncomingMessage);
      else if (event === 'upgrade') this.onUpgrade(arg as IncomingMessage);
      else if (event === 'error') this.fail(arg);
      else if (event === 'close' && !this.finished && this.started) this.fail(Object.assign(new Error('request closed before the response ended'), { name: 'AbortError' }));
    };
    const collect = (chunk: unknown, encoding: unknown): void => this.collect(chunk, encoding);
    const start = (): void => this.start();
    const origEmit = req.emit;
    req.emit = function emit(this: http.ClientRequest, event: string | symbol, ...rest: unknown[]): boolean {
      onEvent(event, rest[0]);
      return origEmit.call(this, event, ...rest);
    } as typeof req.emit;
    if (req.writableEnded) {
      // http.get has already called end() (no body).
      this.start();
      return;
    }
    const origWrite = req.write;
    const origEnd = req.end;
    req.write = function write(this: http.ClientRequest, chunk: unknown, ...rest: unknown[]): boolean {
      collect(chunk, rest[0]);
      return (origWrite as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof req.write;
    req.end = function end(this: http.ClientRequest, ...rest: unknown[]): http.ClientRequest {
      if (typeof rest[0] !== 'function' && rest[0] !== undefined && rest[0] !== null) collect(rest[0], rest[1]);
      const out = (origEnd as (...a: unknown[]) => http.ClientRequest).apply(this, rest);
      start();
      return out;
    } as typeof req.end;
  }

  private collect(chunk: unknown, encoding: unknown): void {
    if (this.started) return;
    try {
      const b = chunkBytes(chunk, encoding);
      if (b) this.body.add(b);
    } catch (e) {
      this.rec.fault('http recording', e);
    }
  }

  /** The request is complete (end called): emit its event. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    try {
      const headers = headerMap(this.req.getHeaders());
      const request = { method: this.req.method || 'GET', url: this.url(headers), headers, body: this.body.bytes() };
      this.call = NetCall.start(this.rec, 'http', this.body.overflow ? { ...request, truncatedSize: this.body.size } : request);
    } catch (e) {
      this.rec.fault('http recording', e);
    }
  }

  private url(headers: Record<string, string>): string {
    const protocol = this.req.protocol || this.scheme;
    // The Host header is what the server sees (host plus non-default port); without it, rebuild from the options.
    const host = headers.host || `${this.req.host}${portSuffix(this.args, protocol)}`;
    return `${protocol}//${host}${this.req.path}`;
  }

  /** A protocol switch (WebSocket...): the HTTP part of the call ends with the 101 head. */
  private onUpgrade(res: IncomingMessage): void {
    if (!this.started) this.start();
    this.finished = true;
    try {
      this.call?.response(res.statusCode ?? 101, res.statusMessage, headerMap(res.headers));
      this.call?.end();
    } catch (e) {
      this.rec.fault('http recording', e);
    }
  }

  private onResponse(res: IncomingMessage): void {
    // A server may answer before the agent ended its body: record what was sent so far.
    if (!this.started) this.start();
    if (!this.call) return;
    const call = this.call;
    try {
      call.response(res.statusCode ?? 0, res.statusMessage, headerMap(res.headers));
      const ended = (): void => {
        this.finished = true;
        call.end();
      };
      const failed = (err: unknown): void => this.fail(err);
      const origPush = res.push;
      res.push = function push(this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding): boolean {
        if (chunk === null) {
          const out = origPush.call(this, chunk, encoding);
          ended();
          return out;
        }
        if (chunk instanceof Uint8Array) call.data(chunk);
        return origPush.call(this, chunk, encoding);
      };
      const origEmit = res.emit;
      res.emit = function emit(this: IncomingMessage, event: string | symbol, ...rest: unknown[]): boolean {
        if (event === 'error' || event === 'aborted') failed(event === 'error' ? rest[0] : Object.assign(new Error('response aborted'), { name: 'AbortError', code: 'ECONNRESET' }));
        return origEmit.call(this, event, ...rest);
      } as typeof res.emit;
    } catch (e) {
      this.rec.fault('http recording', e);
    }
  }

  private fail(err: unknown): void {
    if (this.finished) return;
    if (!this.started) this.start();
    this.finished = true;
    this.call?.fail(err);
  }
}

/** ":port" for a non-default port, from request(url | options, [options]) arguments. */
function portSuffix(args: unknown[], protocol: string): string {
  let port: unknown;
  let defaultPort: unknown;
  for (const a of args) {
    if (typeof a === 'string' || a instanceof URL) {
      try {
        port = new URL(String(a)).port || port;
      } catch {
        // Not a URL: Node would have thrown already.
      }
    } else if (a && typeof a === 'object') {
      const o = a as { port?: unknown; defaultPort?: unknown; agent?: { defaultPort?: unknown } };
      port = o.port ?? port;
      defaultPort = o.defaultPort ?? o.agent?.defaultPort ?? defaultPort;
    }
  }
  const def = String(defaultPort ?? (protocol === 'https:' ? 443 : 80));
  return port !== undefined && port !== '' && String(port) !== def ? `:${String(port)}` : '';
}
