/**
 * Replay at the undici layer (Node's built-in fetch, npm undici's request/fetch: openai v5+, groq-sdk v1,
 * @anthropic-ai/sdk): the global dispatcher becomes a dispatcher that never opens a connection, composed with the
 * recorder's own interceptor, exactly as recording composes it with a real Agent. So a replayed call is recorded by
 * the same code (same event, same fingerprint, same response patch) and only the source of the response differs.
 * Requests resolved `live` (resume, policy live) are dispatched to a real undici Agent, lazily created.
 */
import { createRequire } from 'node:module';
import { runInternal, runInternalSync } from '../core/internal.js';
import { bundledDownstream, recordingInterceptor } from './undiciHook.js';
import { isAsyncBody, syncBodyBytes } from './headers.js';
import { now } from './clock.js';
import type { ReplayNet, Resolution } from './replayContext.js';
import { deliver, planResponse, type ResponseSink } from './replayResponse.js';
import { ReplayNetworkError } from './killSwitch.js';
import { installLazyGlobalDispatcher } from './globalDispatcher.js';

const setImmediateOrig = globalThis.setImmediate;

/** The undici (v7) handler API; the recording interceptor hands us its RecordingHandler, which speaks it. */
interface Handler {
  onRequestStart?(controller: unknown, context: unknown): void;
  onResponseStart?(controller: unknown, statusCode: number, headers: Record<string, string>, statusMessage?: string): void;
  onResponseData?(controller: unknown, chunk: Buffer): void;
  onResponseEnd?(controller: unknown, trailers: Record<string, string>): void;
  onResponseError?(controller: unknown, err: unknown): void;
}

interface DispatchOptions {
  origin?: string | URL;
  path?: string;
  method?: string;
  body?: unknown;
  upgrade?: unknown;
}

interface DispatcherLike {
  dispatch(opts: DispatchOptions, handler: Handler): boolean;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

type DispatcherClass = new () => DispatcherLike & { compose(i: unknown): unknown };

/** Makes the global undici dispatcher the replaying one (created on first use, like recording's). */
export function installReplayUndici(net: ReplayNet): void {
  // A dispatcher the agent installs itself is used as is: it then opens sockets, which the kill switch blocks.
  installLazyGlobalDispatcher(() => createReplayDispatcher(net));
}

function createReplayDispatcher(net: ReplayNet): unknown {
  try {
    return runInternalSync(() => {
      const require = createRequire(import.meta.url);
      // The base class only (EventEmitter + compose): no connection machinery is loaded unless a call goes live.
      const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as DispatcherClass;
      const Agent = (): DispatcherClass => require('undici/lib/dispatcher/agent.js') as DispatcherClass;
      const ReplayDispatcher = replayDispatcherClass(Dispatcher, Agent, net);
      // As under recording's bundled Agent: no AsyncLocalStorage once the bundled undici's clocks are contained. The
      // response is then delivered in the issuer's context; delivery reads only the SDK's own clock and timers.
      return new ReplayDispatcher().compose(recordingInterceptor(net.ctl.rec, bundledDownstream));
    });
  } catch (e) {
    net.ctl.rec.fault('fetch replay', e);
    return undefined;
  }
}

function replayDispatcherClass(Base: DispatcherClass, loadAgent: () => DispatcherClass, net: ReplayNet): DispatcherClass {
  let live: DispatcherLike | undefined;
  const liveAgent = (): DispatcherLike => (live ??= new (loadAgent())());
  return class ReplayDispatcher extends Base {
    override dispatch(opts: DispatchOptions, handler: Handler): boolean {
      // Called inside the recording interceptor, in the internal context; handler callbacks re-enter the agent's.
      if (opts.upgrade !== undefined || opts.method === 'CONNECT') {
        if (net.liveNow()) return liveDispatch(liveAgent(), opts, handler);
        const err = new ReplayNetworkError(`${opts.method ?? 'GET'} ${urlOf(opts)} (upgrade)`);
        net.blocked(err);
        if (net.liveNow()) return liveDispatch(liveAgent(), opts, handler);
        failLater(handler, err);
        return true;
      }
      const bytes = syncBodyBytes(opts.body);
      if (bytes !== undefined || !isAsyncBody(opts.body)) {
        route(net, opts, handler, liveAgent, opts.body);
        return true;
      }
      // A streamed body is read first: its event is written when it ends (recording's 'tee' plan) and the live
      // path needs the bytes again.
      collect(opts.body)
        .then((body) => route(net, { ...opts, body }, handler, liveAgent, body))
        .catch((err: unknown) => failLater(handler, err));
      return true;
    }

    override close(): Promise<void> {
      return live ? live.close() : Promise.resolve();
    }

    override destroy(): Promise<void> {
      return live ? live.destroy() : Promise.resolve();
    }
  };
}

function route(net: ReplayNet, opts: DispatchOptions, handler: Handler, liveAgent: () => DispatcherLike, body: unknown): void {
  const t0 = now();
  // The recording interceptor writes the request's event once it is dispatched; the replay needs it now.
  const recording = handler as { call?: { seq?: unknown } | null; startPending?: () => void };
  recording.startPending?.();
  const seq = recording.call?.seq;
  const ev = typeof seq === 'number' ? net.event(seq) : undefined;
  const res: Resolution = net.resolve(ev, `${opts.method ?? 'GET'} ${urlOf(opts)}`);
  if (res.kind === 'live') {
    liveDispatch(liveAgent(), { ...opts, body }, handler);
    return;
  }
  if (res.kind === 'fail') {
    failLater(handler, res.error);
    return;
  }
  const controller = new ReplayController();
  const sink: ResponseSink = {
    head: (status, statusText, headers) => handler.onResponseStart?.(controller, status, headers, statusText),
    data: (chunk) => handler.onResponseData?.(controller, chunk),
    end: () => {
      controller.done = true;
      handler.onResponseEnd?.(controller, {});
    },
    error: (err) => {
      controller.done = true;
      handler.onResponseError?.(controller, err);
    },
    aborted: () => controller.aborted,
    whenResumed: () => controller.whenResumed(),
  };
  controller.onAbort = (reason) => handler.onResponseError?.(controller, reason);
  const call = res.call;
  // Like a connection being made: the request starts a tick later, never inside the caller's dispatch().
  setImmediateOrig(() => {
    handler.onRequestStart?.(controller, {});
    if (controller.aborted) return;
    void deliver(call, planResponse(call), sink, { pace: net.ctl.tape.pace, gate: net.gate, t0 });
  });
}

/**
 * A request that goes to the real network: its Agent's connection machinery (timers, sockets) runs in the internal
 * context as a whole, as under recording's npm undici Agent (the replay's own dispatch marks only its synchronous
 * part).
 */
function liveDispatch(agent: DispatcherLike, opts: DispatchOptions, handler: Handler): boolean {
  return runInternal(() => agent.dispatch(opts, handler));
}

/** undici's request controller for handlers of the v7 API: pause/resume (backpressure) and abort. */
class ReplayController {
  paused = false;
  aborted = false;
  /** The response completed (end or error delivered): a later abort changes nothing. */
  done = false;
  reason: unknown = null;
  rawHeaders = null;
  rawTrailers = null;
  onAbort: ((reason: unknown) => void) | undefined;
  private resumed: (() => void)[] = [];

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const fn of this.resumed.splice(0)) fn();
  }

  abort(reason: unknown): void {
    if (this.aborted || this.done) return;
    this.aborted = true;
    this.reason = reason;
    this.onAbort?.(reason);
  }

  whenResumed(): Promise<void> | undefined {
    return this.paused ? new Promise<void>((r) => this.resumed.push(r)) : undefined;
  }
}

function failLater(handler: Handler, err: unknown): void {
  const controller = new ReplayController();
  setImmediateOrig(() => {
    handler.onRequestStart?.(controller, {});
    if (!controller.aborted) handler.onResponseError?.(controller, err);
  });
}

async function collect(body: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (syncBodyBytes(chunk) ?? Buffer.from(String(chunk))));
  return Buffer.concat(parts);
}

function urlOf(opts: DispatchOptions): string {
  return String(opts.origin ?? '').replace(/\/+$/, '') + (opts.path ?? '');
}
