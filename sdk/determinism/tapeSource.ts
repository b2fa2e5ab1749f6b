/**
 * Replay-mode ValueSource: serves `tape.values[source]` in recorded order instead of live values, and still records
 * every value it hands out (same kind, source and seq as the recording), so the replay's journal is complete.
 *
 * Checks, all reported through the ReplayControl:
 * - the tape value's recorded seq must equal the seq the replay is about to assign (`event-mismatch` otherwise:
 *   the program consumed values in a different order or at a different step than when it was recorded);
 * - a source whose queue is empty is `tape-exhausted`.
 * After a divergence under policy `live`, or past tape.untilSeq when resuming, values are live (and recorded).
 *
 * IMPORTANT: nextNumber is the Math.random / Date.now hot path: no allocation, one cached queue lookup, typed arrays.
 */
import type { Json } from '../../src/shared/trace/types.js';
import type { Recorder } from '../core/recorder.js';
import type { ReplayControl } from '../replay/replayControl.js';
import type { Codec, ValueKind, ValueSource } from './valueSource.js';

/** The recorded values of one source, flattened for the hot path. */
interface Queue {
  name: string;
  /** Recorded seq of each value. */
  seqs: Float64Array;
  /** Values as numbers (Number() of each JSON value; the numeric sources' values are numbers). */
  nums: Float64Array;
  json: Json[];
  /** Next value to serve. */
  i: number;
  /** Number of values. */
  n: number;
}

const EMPTY = new Float64Array(0);

export class TapeSource implements ValueSource {
  private readonly rec: Recorder;
  private readonly queues = new Map<string, Queue>();
  /** One-entry cache: a loop over Math.random asks for the same source every time. */
  private lastName = '';
  private lastQueue: Queue;
  /** Last seq served from the tape (tape.untilSeq, or every seq). */
  private readonly until: number;
  /**
   * Set by the controller when the replay goes live. Every seq is assigned by an event (the controller sees it) or
   * by a value served here, so the step boundary is always noticed at step N itself; a flag is enough afterwards.
   */
  private live = false;
  /** A ReplayControl without onLive: ask isLive() per value. */
  private ask = false;

  constructor(private readonly ctl: ReplayControl) {
    this.rec = ctl.rec;
    for (const [name, values] of Object.entries(ctl.tape.values)) this.queues.set(name, makeQueue(name, values));
    this.lastQueue = makeQueue('', []);
    this.until = ctl.tape.untilSeq ?? Number.POSITIVE_INFINITY;
    if (ctl.onLive) ctl.onLive(() => (this.live = true));
    else this.ask = true;
  }

  nextNumber(kind: ValueKind, source: string, live: number): number {
    const q = source === this.lastName ? this.lastQueue : this.queueOf(source);
    if (this.live || (this.ask && this.ctl.isLive())) return this.recordLive(kind, source, live);
    const i = q.i;
    if (i >= q.n || q.seqs[i] !== this.rec.steps) return this.offTape(kind, source, q, live);
    q.i = i + 1;
    const v = q.nums[i];
    // The value of step N itself: the controller stops (offline jump) or goes live right after it.
    if (this.rec.valueNumber(kind, source, v) >= this.until) this.ctl.isLive();
    return v;
  }

  numberLane(kind: ValueKind, source: string, real: () => number): () => number {
    // The source's queue and the recorder's lane are bound once: a loop over Math.random pays no lookup.
    const q = this.queueOf(source);
    const rec = this.rec;
    const push = rec.numberLane(kind, source);
    const until = this.until;
    return () => {
      if (this.live || (this.ask && this.ctl.isLive())) return this.recordLive(kind, source, real());
      const i = q.i;
      if (i >= q.n || q.seqs[i] !== rec.steps) return this.offTape(kind, source, q, real());
      q.i = i + 1;
      const v = q.nums[i];
      // The value of step N itself: the controller stops (offline jump) or goes live right after it.
      if (push(v) >= until) this.ctl.isLive();
      return v;
    };
  }

  next<T>(kind: ValueKind, source: string, real: () => T, codec?: Codec<T>): T {
    // The real call runs first, as when recording: argument errors reach the caller exactly as they did then (and
    // consume no value). Its result is discarded while the tape serves.
    const liveValue = real();
    const q = source === this.lastName ? this.lastQueue : this.queueOf(source);
    if (this.live || this.ctl.isLive()) return this.recordLive(kind, source, liveValue, codec);
    const i = q.i;
    if (i >= q.n || q.seqs[i] !== this.rec.steps) return this.offTape(kind, source, q, liveValue, codec);
    q.i = i + 1;
    const j = q.json[i];
    let v: T;
    try {
      v = codec === undefined ? (j as unknown as T) : codec.decode(j);
    } catch (e) {
      this.rec.fault(`replaying ${source}`, e);
      return this.recordLive(kind, source, liveValue, codec);
    }
    if (this.rec.value(kind, source, j) >= this.until) this.ctl.isLive();
    return v;
  }

  /** How many values of `source` were served from the tape so far (tests, diagnostics). */
  served(source: string): number {
    return this.queues.get(source)?.i ?? 0;
  }

  private queueOf(source: string): Queue {
    let q = this.queues.get(source);
    if (q === undefined) {
      q = makeQueue(source, []);
      this.queues.set(source, q);
    }
    this.lastName = source;
    this.lastQueue = q;
    return q;
  }

  /**
   * The tape cannot serve this value: its queue is empty, or its next value was recorded at another seq. Reports the
   * divergence (policy stop ends the process here) and then serves the live value.
   */
  private offTape<T>(kind: ValueKind, source: string, q: Queue, live: T, codec?: Codec<T>): T {
    const seq = this.rec.steps;
    const expected = this.ctl.tape.signature[seq];
    if (q.i >= q.n) {
      this.ctl.diverge({
        seq,
        kind,
        reason: 'tape-exhausted',
        message: `${source} was called more often than when recorded (${q.n} recorded values)`,
        expected: expected !== undefined ? { signature: expected } : undefined,
        actual: { signature: kind },
      });
    } else {
      const recordedAt = q.seqs[q.i];
      this.ctl.diverge({
        seq,
        kind,
        reason: 'event-mismatch',
        message:
          expected === undefined
            ? `${source} was called at step ${seq}, after the recorded run had ended`
            : `${source} was called at step ${seq}, where the recording has ${expected} (its next recorded ${source} value is at step ${recordedAt})`,
        expected: expected !== undefined ? { signature: expected } : undefined,
        actual: { signature: kind },
      });
    }
    return this.recordLive(kind, source, live, codec);
  }

  private recordLive<T>(kind: ValueKind, source: string, v: T, codec?: Codec<T>): T {
    try {
      this.rec.value(kind, source, codec === undefined ? (v as unknown as Json) : codec.encode(v));
    } catch (e) {
      this.rec.fault(`recording ${source}`, e);
    }
    return v;
  }
}

function makeQueue(name: string, values: { seq: number; value: Json }[]): Queue {
  const n = values.length;
  if (n === 0) return { name, seqs: EMPTY, nums: EMPTY, json: [], i: 0, n: 0 };
  const seqs = new Float64Array(n);
  const nums = new Float64Array(n);
  const json: Json[] = new Array<Json>(n);
  for (let k = 0; k < n; k++) {
    seqs[k] = values[k].seq;
    json[k] = values[k].value;
    nums[k] = typeof values[k].value === 'number' ? (values[k].value as number) : Number(values[k].value);
  }
  return { name, seqs, nums, json, i: 0, n };
}
