/**
 * Records calls made through undici: Node's built-in fetch and any npm copy of undici (`undici.request`, its fetch)
 * read the process-wide global dispatcher (`Symbol.for('undici.globalDispatcher.1')`). We install there the Agent of
 * Node's bundled undici (the one built-in fetch uses natively; see installBundledGlobalDispatcher) composed with a
 * recording interceptor, which takes handlers of both undici APIs (recordingHandlers.ts). An npm undici Agent is
 * loaded only for a handler that the bundled Agent cannot take, or when there is no bundled Agent.
 *
 * Context rules: the downstream dispatch (connect, sockets, undici timers) runs in the internal context, so library
 * internals never reach the determinism tapes; every callback into the caller's handler runs in the context that
 * issued the request (an AsyncResource captured at dispatch), so user code reached from there (stream listeners,
 * callbacks) is recorded as user code. On the bundled Agent, once the bundled undici's clocks are contained
 * (bundledClocks.ts), no AsyncLocalStorage is used: only the dispatch's synchronous part is marked (the bundled
 * Agent reads no clock; its fetch's reads are contained where it was loaded).
 * Limits: a dispatcher the agent installs itself (`setGlobalDispatcher`, a `dispatcher` option) is not recorded.
 */
import { AsyncResource } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { Recorder } from '../core/recorder.js';
import { isInternal, runInternal, runInternalSync } from '../core/internal.js';
import { headerMap, isAsyncBody, syncBodyBytes } from './headers.js';
import { BodyCopy, MAX_CAPTURE_BYTES } from './bodyCopy.js';
import { GLOBAL_DISPATCHER, bundledClocksContained, installBundledGlobalDispatcher } from './globalDispatcher.js';
import { LegacyRecordingHandler, RecordingHandler, isLegacyHandler, type AnyHandler, type RecordingTap } from './recordingHandlers.js';

interface DispatchOptions {
  origin?: string | URL;
  path?: string;
  method?: string;
  headers?: unknown;
  body?: unknown;
  upgrade?: unknown;
}

type Dispatch = (opts: DispatchOptions, handler: AnyHandler) => boolean;
type Interceptor = (dispatch: Dispatch) => Dispatch;
interface ComposableDispatcher {
  compose(interceptor: Interceptor): unknown;
}

/**
 * Installs the recording dispatcher as the global undici dispatcher; returns what the fetch wrapper calls before a
 * call (see installBundledGlobalDispatcher).
 */
export function installUndici(rec: Recorder): () => void {
  const g = globalThis as Record<symbol, unknown>;
  const existing = g[GLOBAL_DISPATCHER[0]];
  if (existing !== undefined) {
    // Something set a dispatcher before us (an earlier --import): compose over it when it supports interceptors.
    if (typeof (existing as Partial<ComposableDispatcher>).compose === 'function') {
      const composed = (existing as ComposableDispatcher).compose(recordingInterceptor(rec));
      for (const s of GLOBAL_DISPATCHER) g[s] = composed;
    } else {
      rec.fault('fetch recording', new Error('a foreign global undici dispatcher is installed'));
    }
    return () => undefined;
  }
  let npmAgent: unknown;
  const npm = (): unknown => (npmAgent ??= createDispatcher(rec));
  return installBundledGlobalDispatcher((agent) => (agent as ComposableDispatcher).compose(bundledInterceptor(rec, npm)), npm);
}

/**
 * For the bundled undici's Agent, which takes legacy handlers only: those are recorded on it; a handler of the
 * current API (from an undici 7 interceptor composed over the global dispatcher) goes to an npm undici Agent, which
 * takes both.
 */
function bundledInterceptor(rec: Recorder, npm: () => unknown): Interceptor {
  const record = recordingInterceptor(rec, bundledDownstream);
  return (dispatch) => {
    const recorded = record(dispatch);
    return (opts, handler) => {
      if (isLegacyHandler(handler)) return recorded(opts, handler);
      const other = npm() as { dispatch?: Dispatch } | undefined;
      if (!other?.dispatch) return recorded(opts, handler);
      return other.dispatch(opts, handler);
    };
  };
}

function createDispatcher(rec: Recorder): unknown {
  try {
    return runInternalSync(() => {
      const require = createRequire(import.meta.url);
      // The Agent module directly: requiring undici's index here could re-enter an agent's own copy mid-load.
      const Agent = require('undici/lib/dispatcher/agent.js') as new () => ComposableDispatcher;
      return new Agent().compose(recordingInterceptor(rec));
    });
  } catch (e) {
    rec.fault('fetch recording', e);
    return undefined;
  }
}

/**
 * How a dispatch reached through Node's built-in fetch runs below the recording interceptor: marked internal for its
 * synchronous part only once the bundled undici's clocks are contained (no AsyncLocalStorage), else in the internal
 * context as a whole.
 */
export function bundledDownstream<T>(fn: () => T): T {
  return bundledClocksContained() ? runInternalSync(fn) : runInternal(fn);
}

/**
 * The undici interceptor that records each dispatched request. `downstream` runs the dispatch below it in the
 * internal context (on the bundled Agent with its clocks contained, its synchronous part is enough).
 */
export function recordingInterceptor(rec: Recorder, downstream: <T>(fn: () => T) => T = runInternal): Interceptor {
  // Handlers of either undici API (see recordingHandlers.ts).
  return (dispatch) =>
    function recordingDispatch(opts: DispatchOptions, handler: AnyHandler): boolean {
      // The issuing context: every callback into the caller's handler runs there.
      const issuer = { scope: new AsyncResource('agenttrace.fetch'), internal: isInternal() };
      const bound = isLegacyHandler(handler) ? new LegacyRecordingHandler(handler, issuer, rec) : new RecordingHandler(handler, issuer, rec);
      let plan: 'sync' | 'buffer' | 'tee' | 'skip' = 'skip';
      let url = '';
      let headers: Record<string, string> = {};
      try {
        if (opts.upgrade === undefined && opts.method !== 'CONNECT') {
          url = String(opts.origin ?? '').replace(/\/+$/, '') + (opts.path ?? '');
          headers = headerMap(opts.headers);
          const bytes = syncBodyBytes(opts.body);
          if (bytes !== undefined) {
            bound.recordStart(() => ({ method: opts.method ?? 'GET', url, headers, body: bytes }));
            plan = 'sync';
          } else if (isAsyncBody(opts.body)) {
            // A known length means a finite body (fetch's string/bytes/Blob/FormData bodies): read it first so the
            // event is emitted in issue order. Unknown length may be a live stream: observe it as it is sent.
            const length = Number(headers['content-length']);
            plan = headers['content-length'] !== undefined && length <= MAX_CAPTURE_BYTES ? 'buffer' : 'tee';
          } else {
            bound.recordStart(() => ({ method: opts.method ?? 'GET', url, headers, body: null }));
            plan = 'sync';
          }
        }
      } catch (e) {
        rec.fault('fetch recording', e);
        plan = 'skip';
      }
      if (plan === 'buffer') {
        downstream(() => bufferThenDispatch(dispatch, opts, bound, url, headers)).catch((e: unknown) => rec.fault('fetch recording', e));
        return true;
      }
      if (plan === 'tee') {
        const copy = new BodyCopy();
        bound.streamedBody = true;
        // Emitted when the body has been sent, or earlier if the response (or an error) comes first.
        bound.recordStart(() => {
          const request = { method: opts.method ?? 'GET', url, headers, body: copy.bytes() };
          return copy.overflow ? { ...request, truncatedSize: copy.size } : request;
        });
        const body = teeBody(opts.body as AsyncIterable<unknown>, copy, () => bound.startPending());
        return downstream(() => dispatch({ ...opts, body }, bound as unknown as AnyHandler));
      }
      // The request leaves first; its event is recorded while the server works on it (same seq: nothing else records
      // in between, undici runs in the internal context). A response or error arriving during dispatch records it first,
      // and so does a legacy onConnect called inside dispatch (see LegacyRecordingHandler).
      const sent = downstream(() => dispatch(opts, bound as unknown as AnyHandler));
      bound.startPending();
      return sent;
    };
}

async function bufferThenDispatch(dispatch: Dispatch, opts: DispatchOptions, bound: RecordingTap, url: string, headers: Record<string, string>): Promise<void> {
  let body: Buffer;
  try {
    body = Buffer.concat(await collect(opts.body as AsyncIterable<unknown>));
  } catch (err) {
    // The agent's body failed: let undici report it through the normal error path.
    dispatchLater(dispatch, { ...opts, body: failingBody(err) }, bound);
    return;
  }
  // The continuation of this function's own await: nothing awaits it, so no frame of the agent is on the stack.
  bound.recordStart(() => ({ method: opts.method ?? 'GET', url, headers, body }), true);
  dispatchLater(dispatch, { ...opts, body }, bound);
  bound.startPending();
}

/** A dispatch outside the caller's stack: a synchronous throw becomes the handler's error, as undici would do. */
function dispatchLater(dispatch: Dispatch, opts: DispatchOptions, bound: RecordingTap): void {
  try {
    dispatch(opts, bound as unknown as AnyHandler);
  } catch (err) {
    bound.failBeforeDispatch(err);
  }
}

async function collect(body: AsyncIterable<unknown>): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(toBuffer(chunk));
  return parts;
}

function toBuffer(chunk: unknown): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (syncBodyBytes(chunk) ?? Buffer.from(String(chunk)));
}

// eslint-disable-next-line require-yield -- an iterable that only fails, to route a body error through undici
async function* failingBody(err: unknown): AsyncGenerator<Buffer> {
  throw err;
}

/** Passes the agent's streamed body through unchanged, keeping a bounded copy; `done` runs at its end. */
async function* teeBody(body: AsyncIterable<unknown>, copy: BodyCopy, done: () => void): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    const b = toBuffer(chunk);
    copy.add(b);
    yield b;
  }
  done();
}
