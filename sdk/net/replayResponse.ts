/**
 * Serving one recorded response, independent of the layer: the head, the body pieces (the recorded stream chunks
 * one by one, or the whole body), then the completion (end or the recorded error) at the call's turn in the arrival
 * order. Bodies are served exactly as the recorder stored them at the same layer: wire bytes, so a recorded
 * content-encoding stays and the client decodes as it did live (both layers sit below the client's decompression).
 * Pace `instant`: one macrotask per event, like network reads, without waiting; `recorded`: each event at its
 * recorded time since the request was issued. Either way events follow the recorded timeline (ArrivalGate).
 * IMPORTANT: the last body piece is delivered with the completion: for a content-length response the last byte is
 * what completes it, so holding only an end marker would not hold the completion.
 */
import { STATUS_CODES } from 'node:http';
import type { Tape, TapeCall } from '../../src/shared/trace/tape.js';
import type { ArrivalGate } from './arrivalGate.js';
import { now } from './clock.js';

export interface ResponsePlan {
  /** Undefined when the recorded call failed before any response head. */
  head?: { status: number; statusText: string; headers: Record<string, string> };
  pieces: Buffer[];
  error?: Error;
  /** The recorded call never completed (the run ended while it was pending): nothing is served after the head. */
  hangs: boolean;
}

/** Where a replayed response goes (an undici handler, an http socket). Calls must not throw. */
export interface ResponseSink {
  head(status: number, statusText: string, headers: Record<string, string>): void;
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
  /** The agent aborted the call: delivery stops and the call counts as completed. */
  aborted(): boolean;
  /** Backpressure: resolves when the consumer wants data again (absent: never paused). */
  whenResumed?(): Promise<void> | undefined;
}

const setTimeoutOrig = globalThis.setTimeout;
const setImmediateOrig = globalThis.setImmediate;
const macrotask = (): Promise<void> => new Promise((r) => setImmediateOrig(r));
const sleepUntil = (t: number): Promise<void> => {
  const ms = t - now();
  return ms > 0 ? new Promise((r) => setTimeoutOrig(r, ms)) : macrotask();
};

/** The recorded response of a call as what to send (content-length corrected to the bytes actually served). */
export function planResponse(call: TapeCall): ResponsePlan {
  const plan: ResponsePlan = { pieces: [], hangs: !call.response && !call.error };
  const r = call.response;
  if (r) {
    if (r.chunks && r.chunks.length > 0) {
      for (const c of r.chunks) plan.pieces.push(Buffer.from(c.data, 'utf8'));
    } else if (r.bodyB64) {
      plan.pieces.push(Buffer.from(r.bodyB64, 'base64'));
    }
    const headers = { ...r.headers };
    // Masked secrets may change a body's length; a stale length would cut the body or hang the client. A response
    // that has no body (to HEAD, 1xx, 204, 304) keeps the length it announced.
    const bodyless = call.request.method === 'HEAD' || r.status < 200 || r.status === 204 || r.status === 304;
    if (headers['content-length'] !== undefined && !bodyless) headers['content-length'] = String(plan.pieces.reduce((n, p) => n + p.byteLength, 0));
    plan.head = { status: r.status, statusText: r.statusText ?? STATUS_CODES[r.status] ?? '', headers };
  }
  if (call.error) plan.error = recordedError(call.error);
  return plan;
}

/** The recorded network error as an Error with the same name, message and code. */
export function recordedError(e: NonNullable<TapeCall['error']>): Error {
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}

/**
 * Recorded times (ms since the request) of the response events deliver() sends, in order: the head, each body piece
 * but the last, then the completion (last piece + end, or the error). Empty for a call that never completed.
 */
export function eventOffsets(call: TapeCall): number[] {
  const out: number[] = [];
  const r = call.response;
  const chunks = r?.chunks && r.chunks.length > 0 ? r.chunks : undefined;
  const add = (t: number): void => {
    out.push(Math.max(t, out.at(-1) ?? 0));
  };
  if (r) {
    add(call.ttfbMs ?? 0);
    if (chunks) for (let i = 0; i < chunks.length - 1; i++) add(chunks[i].t);
  }
  if (r || call.error) add(Math.max(call.durationMs ?? 0, chunks?.at(-1)?.t ?? 0));
  return out;
}

export interface DeliverOptions {
  pace: Tape['pace'];
  gate: ArrivalGate;
  /** now() when the replayed request was issued. */
  t0: number;
}

/**
 * Streams the plan into the sink, each event at its turn on the recorded timeline (see ArrivalGate), and with pace
 * `recorded` not before its recorded offset. Resolves when done; never rejects.
 */
export async function deliver(call: TapeCall, plan: ResponsePlan, sink: ResponseSink, opts: DeliverOptions): Promise<void> {
  const paced = opts.pace === 'recorded';
  const offsets = eventOffsets(call);
  let index = 0;
  /** Waits for the next event's time and turn; false when the agent aborted meanwhile. */
  const step = async (): Promise<boolean> => {
    await (paced ? sleepUntil(opts.t0 + (offsets[index] ?? 0)) : macrotask());
    const resumed = sink.whenResumed?.();
    if (resumed) {
      opts.gate.hold(call.seq, true);
      await resumed;
      opts.gate.hold(call.seq, false);
    }
    await opts.gate.turn(call.seq, index++);
    return !sink.aborted();
  };
  try {
    if (plan.hangs) return;
    const last = plan.pieces.length - 1;
    if (plan.head) {
      if (!(await step())) return;
      sink.head(plan.head.status, plan.head.statusText, plan.head.headers);
      for (let i = 0; i < last; i++) {
        if (!(await step())) return;
        sink.data(plan.pieces[i]);
      }
    }
    if (!(await step())) return;
    if (plan.head && last >= 0) sink.data(plan.pieces[last]);
    if (plan.error) sink.error(plan.error);
    else sink.end();
  } finally {
    opts.gate.done(call.seq);
  }
}
