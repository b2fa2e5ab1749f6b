/**
 * The handlers the recording interceptor puts between undici and the caller's handler, one per undici handler API:
 * - the current one (onRequestStart, onResponseStart, onResponseData, onResponseEnd, onResponseError: undici 7, whose
 *   compose converts every handler to it);
 * - the legacy one (onConnect, onHeaders, onData, onComplete, onError: Node's built-in fetch and the undici copy
 *   bundled with Node, and the request/fetch functions of npm undici, which hand such handlers to the dispatcher).
 * Both forward every callback to the caller's handler in the issuing context (an AsyncResource captured at dispatch,
 * and whether the issuer was internal work: a callback called while the dispatch is still on the stack must not pass
 * for internal because of that) and let the call's NetCall observe it. A chunk is copied (and timed) before it is
 * forwarded, so a consumer reusing the buffer cannot alter the record; the copy is the only per-chunk cost. End and
 * error are forwarded first; the response patch is written a tick later. Return values (undici's back-pressure
 * signal) are passed through.
 */
import type { AsyncResource } from 'node:async_hooks';
import type { Recorder } from '../core/recorder.js';
import { NetCall, type NetRequest } from './netCall.js';
import { headerMap } from './headers.js';
import { runMarked } from '../core/internal.js';

type Callback = (...args: never[]) => unknown;
/** A caller's handler, of either API. */
export type AnyHandler = Partial<Record<string, Callback>>;

/**
 * True for a handler of the legacy API only. undici 7's compose hands interceptors handlers that have both APIs
 * (and calls them through the current one): those count as current.
 */
export function isLegacyHandler(h: AnyHandler): boolean {
  return typeof h.onResponseStart !== 'function' && typeof h.onHeaders === 'function';
}

/** Who issued a request: its context, and whether that was internal work (library machinery, the recorder). */
export interface Issuer {
  scope: AsyncResource;
  internal: boolean;
}

/** The NetCall of one dispatched request, started once: when dispatched, or earlier when its outcome comes first. */
export abstract class RecordingTap {
  call: NetCall | null = null;
  /** The request body is streamed: its event waits for the body's end (or the outcome). */
  streamedBody = false;
  /** Emits the request's event (once); see recordStart. */
  private pendingStart: (() => void) | null = null;

  constructor(
    protected readonly inner: AnyHandler,
    protected readonly issuer: Issuer,
    protected readonly rec: Recorder,
  ) {}

  /**
   * Records the request's event at the next startPending(): once it was dispatched (or its body sent), or earlier
   * when its outcome comes first. `request` is read then (a streamed body is complete by that time). `detached`: the
   * recorder dispatches the request from its own continuation, after reading the body; wherever its event is then
   * recorded (in that continuation, or in an undici callback: onConnect runs inside the dispatch on a kept-alive
   * connection, or from the socket's connect), no frame of the agent is on the stack, and a keyframe there needs no
   * capture to know it.
   */
  recordStart(request: () => NetRequest, detached = false): void {
    this.pendingStart = () => {
      const start = (): NetCall | null => NetCall.start(this.rec, 'fetch', request());
      this.call = detached ? this.rec.withoutAgentFrames(start) : start();
    };
  }

  startPending(): void {
    const start = this.pendingStart;
    this.pendingStart = null;
    start?.();
  }

  /** The request failed before undici had it (its body could not be read): report it as undici would. */
  abstract failBeforeDispatch(err: unknown): void;

  /** Runs the caller's callback `name` in the issuing context; undefined when the caller has none. */
  protected forward(name: string, ...args: unknown[]): unknown {
    return this.forwardMarked(this.issuer.internal, name, args);
  }

  /** forward(), always in the internal context (timing hooks only undici's own fetch implements). */
  protected forwardInternal(name: string, ...args: unknown[]): unknown {
    return this.forwardMarked(true, name, args);
  }

  private forwardMarked(internal: boolean, name: string, args: unknown[]): unknown {
    const fn = this.inner[name];
    if (!fn) return undefined;
    return runMarked(internal, () => this.issuer.scope.runInAsyncScope(fn as (...a: unknown[]) => unknown, this.inner, ...args));
  }

  protected head(statusCode: number, statusMessage: string | undefined, headers: unknown): void {
    this.startPending();
    if (!this.call) return;
    try {
      this.call.response(statusCode, statusMessage, headerMap(headers));
    } catch (e) {
      this.rec.fault('fetch recording', e);
      this.call = null;
    }
  }

  protected failed(err: unknown, forward: () => void): void {
    this.startPending();
    try {
      forward();
    } finally {
      this.call?.fail(err);
    }
  }

  protected ended(forward: () => unknown): unknown {
    try {
      return forward();
    } finally {
      this.call?.end();
    }
  }
}

/** For handlers of the current API (undici 7). */
export class RecordingHandler extends RecordingTap {
  onRequestStart(controller: unknown, context: unknown): void {
    this.forward('onRequestStart', controller, context);
  }

  onRequestUpgrade(controller: unknown, statusCode: number, headers: unknown, socket: unknown): void {
    this.forward('onRequestUpgrade', controller, statusCode, headers, socket);
  }

  onResponseStart(controller: unknown, statusCode: number, headers: unknown, statusMessage?: string): void {
    this.head(statusCode, statusMessage, headers);
    this.forward('onResponseStart', controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: unknown, chunk: Uint8Array): void {
    this.call?.data(chunk);
    this.forward('onResponseData', controller, chunk);
  }

  onResponseEnd(controller: unknown, trailers: unknown): void {
    this.ended(() => this.forward('onResponseEnd', controller, trailers));
  }

  onResponseError(controller: unknown, err: unknown): void {
    this.failed(err, () => this.forward('onResponseError', controller, err));
  }

  failBeforeDispatch(err: unknown): void {
    this.onResponseError(undefined, err);
  }
}

/**
 * For handlers of the legacy API. undici checks that a handler has onConnect, onError and (unless it upgrades)
 * onHeaders, onData and onComplete: all are defined here, and forward only to what the caller has.
 */
export class LegacyRecordingHandler extends RecordingTap {
  /**
   * undici calls this inside dispatch when a kept-alive connection is free. The request's event comes first (unless
   * its body is still streaming): npm undici's fetch reads the clock here, and a replay takes the event at dispatch
   * and calls this later, so recording and replay put that read after the event.
   */
  onConnect(abort: unknown, context: unknown): void {
    if (!this.streamedBody) this.startPending();
    this.forward('onConnect', abort, context);
  }

  onUpgrade(statusCode: number, headers: unknown, socket: unknown): void {
    this.forward('onUpgrade', statusCode, headers, socket);
  }

  // Timing hooks only the legacy API calls (undici 7's handler wrapper never does: neither a replay nor a recording
  // through undici 7 calls them). npm undici's fetch reads the clock in onResponseStarted: library work, kept off the
  // agent's tape so that recording and replay see the same values.
  onBodySent(chunk: unknown): void {
    this.forwardInternal('onBodySent', chunk);
  }

  onRequestSent(): void {
    this.forwardInternal('onRequestSent');
  }

  onResponseStarted(): void {
    this.forwardInternal('onResponseStarted');
  }

  onHeaders(statusCode: number, rawHeaders: unknown, resume: unknown, statusText?: string): unknown {
    this.head(statusCode, statusText, rawHeaders);
    return this.forward('onHeaders', statusCode, rawHeaders, resume, statusText);
  }

  onData(chunk: Uint8Array): unknown {
    this.call?.data(chunk);
    return this.forward('onData', chunk);
  }

  onComplete(trailers: unknown): void {
    this.ended(() => this.forward('onComplete', trailers));
  }

  onError(err: unknown): void {
    this.failed(err, () => this.forward('onError', err));
  }

  failBeforeDispatch(err: unknown): void {
    this.onError(err);
  }
}
