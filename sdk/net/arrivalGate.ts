/**
 * Reproduces the recorded order in which responses reached the agent. Every served call is a sequence of response
 * events (head, body pieces, completion); the recording places each on one timeline: issue time (`issuedMs`) plus
 * the event's recorded offset (ttfbMs, chunk `t`, durationMs). The gate lets the replay deliver them in that order,
 * one event per macrotask, so the agent code reacting to one event (promise jobs and nextTicks) runs before the next,
 * as it did with real network reads. That covers Promise.race and push-on-complete (completion order) and also what
 * clients do when headers arrive (openai v6 reads the clock then: the replay's event sequence must match too).
 *
 * Before an event at recorded time T is delivered, every call the recording issued before T must have been issued
 * by the replay: a call issued in reaction to an earlier event is waited for, so the later events of other calls do
 * not overtake it. Such a wait is bounded by a safety timeout, after which the missing calls are abandoned (a
 * divergent run must never deadlock, and one missing call must not delay every later event again).
 * A call whose consumer applies backpressure is held: it does not block the others meanwhile.
 * Tapes without issue times (older format): only completions are ordered, by `arrival` rank.
 * Once the replay is live, every event is granted at once.
 */
import type { TapeCall } from '../../src/shared/trace/tape.js';

export interface ArrivalGateOptions {
  /** Longest wait for one event (ms). */
  safetyMs?: number;
  /** True when recorded order no longer applies (live network). */
  isLive?: () => boolean;
}

/** What the gate needs of a tape call. */
export type GateCall = Pick<TapeCall, 'seq' | 'arrival' | 'issuedMs'>;

interface Slot {
  call: GateCall;
  /** Absolute recorded time of each response event (see eventTimes). */
  times: number[];
  issued: boolean;
  abandoned: boolean;
  done: boolean;
  held: boolean;
  /** Index of the next event to deliver. */
  next: number;
  order: number;
}

interface Waiter {
  slot: Slot;
  index: number;
  resolve: () => void;
  timer: ReturnType<typeof setTimeout>;
}

// Captured at load: the replay's own scheduling must not depend on anything the agent patches later.
const setTimeoutOrig = globalThis.setTimeout;
const clearTimeoutOrig = globalThis.clearTimeout;
const setImmediateOrig = globalThis.setImmediate;

export const DEFAULT_SAFETY_MS = 250;
/**
 * Recorded issue times are whole milliseconds (event ts) while response offsets are fractional: a call issued right
 * after another one completed can look issued up to 1 ms *before* that completion. Treating such a call as blocking
 * would stall the earlier response until the safety timeout, so issue times only block what comes >= 1 ms later.
 */
const ISSUE_RESOLUTION_MS = 1;

export class ArrivalGate {
  private readonly slots = new Map<number, Slot>();
  /** Slots that can block (recorded issue time known), ascending by it. */
  private readonly byIssue: Slot[];
  /** Index in byIssue of the first slot neither issued nor abandoned (both only ever become true). */
  private firstOpen = 0;
  /** Issued slots not done yet, in issue order: the only candidates for the next event. */
  private readonly active = new Set<Slot>();
  private waiters: Waiter[] = [];
  private readonly safetyMs: number;
  private readonly isLive: () => boolean;
  /** Full timeline (every call has an issue time) or completions only (fallback). */
  readonly timeline: boolean;
  private issues = 0;
  private waking = false;

  /** `calls`: the calls the replay may serve (those without a recorded outcome excluded by the caller). */
  constructor(calls: GateCall[], opts: ArrivalGateOptions = {}) {
    this.timeline = calls.length > 0 && calls.every((c) => typeof c.issuedMs === 'number');
    for (const call of calls) this.slots.set(call.seq, { call, times: [], issued: false, abandoned: false, done: false, held: false, next: 0, order: 0 });
    this.byIssue = [...this.slots.values()].sort((a, b) => this.blockTime(a) - this.blockTime(b));
    this.safetyMs = opts.safetyMs ?? DEFAULT_SAFETY_MS;
    this.isLive = opts.isLive ?? (() => false);
  }

  /**
   * The call was issued by the replay. `offsets`: its response events' recorded times, ms since its request (in
   * delivery order, the completion last).
   */
  issue(seq: number, offsets: number[]): void {
    const s = this.slots.get(seq);
    if (!s || s.issued) return;
    s.issued = true;
    s.order = this.issues++;
    this.active.add(s);
    const last = offsets.length - 1;
    s.times = offsets.map((o, i) => (this.timeline ? (s.call.issuedMs as number) + o : i < last ? Number.NEGATIVE_INFINITY : s.call.arrival + 0.5));
    this.wake();
  }

  /** Resolves when event `index` of the call may be delivered. Never rejects. */
  turn(seq: number, index: number): Promise<void> {
    const slot = this.slots.get(seq);
    if (!slot || !slot.issued || slot.done || this.isLive()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { slot, index, resolve, timer: setTimeoutOrig(() => this.giveUp(waiter), this.safetyMs) };
      this.waiters.push(waiter);
      this.wake();
    });
  }

  /** Backpressure: a held call's next event does not hold back the other calls. */
  hold(seq: number, held: boolean): void {
    const s = this.slots.get(seq);
    if (!s || s.held === held) return;
    s.held = held;
    this.wake();
  }

  /** The call is finished (completed, failed, or aborted by the agent): it blocks nothing any more. */
  done(seq: number): void {
    const s = this.slots.get(seq);
    if (!s || s.done) return;
    s.done = true;
    this.active.delete(s);
    this.wake();
  }

  /** States by seq (tests, diagnostics). */
  snapshot(): Record<number, 'pending' | 'issued' | 'done' | 'abandoned'> {
    const out: Record<number, 'pending' | 'issued' | 'done' | 'abandoned'> = {};
    for (const [seq, s] of this.slots) out[seq] = s.done ? 'done' : s.abandoned ? 'abandoned' : s.issued ? 'issued' : 'pending';
    return out;
  }

  /** Recorded time before which this call had been issued: events after it wait for the call. */
  private blockTime(s: Slot): number {
    return this.timeline ? (s.call.issuedMs as number) : s.call.arrival;
  }

  private nextTime(s: Slot): number {
    return s.times[s.next] ?? Number.POSITIVE_INFINITY;
  }

  /** The issued, unfinished call whose next event comes first (ties: issue order). */
  private earliest(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.active) {
      if (s.held || s.next >= s.times.length) continue;
      if (!best || this.nextTime(s) < this.nextTime(best) || (this.nextTime(s) === this.nextTime(best) && s.order < best.order)) best = s;
    }
    return best;
  }

  /** True while a call recorded as issued before `t` has not been issued (nor given up on). */
  private blocked(t: number): boolean {
    const limit = this.timeline ? t - ISSUE_RESOLUTION_MS : t;
    // Slots before firstOpen are issued or abandoned for good: only the first open one can block.
    while (this.firstOpen < this.byIssue.length && (this.byIssue[this.firstOpen].issued || this.byIssue[this.firstOpen].abandoned)) this.firstOpen++;
    const open = this.byIssue[this.firstOpen];
    return open !== undefined && this.blockTime(open) < limit;
  }

  private grant(w: Waiter): void {
    this.waiters = this.waiters.filter((x) => x !== w);
    clearTimeoutOrig(w.timer);
    w.slot.next = Math.max(w.slot.next, w.index + 1);
    w.resolve();
  }

  /** Safety timeout: the calls this event still waits for stop blocking; the event goes now. */
  private giveUp(w: Waiter): void {
    if (!this.waiters.includes(w)) return;
    const t = w.slot.times[w.index] ?? Number.POSITIVE_INFINITY;
    for (const s of this.byIssue) {
      if (this.blockTime(s) >= t) break;
      if (!s.issued) s.abandoned = true;
    }
    this.grant(w);
    this.wake();
  }

  /** Grants at most one event per macrotask, in timeline order. */
  private wake(): void {
    if (this.waking || this.waiters.length === 0) return;
    this.waking = true;
    setImmediateOrig(() => {
      this.waking = false;
      let w: Waiter | undefined;
      if (this.isLive()) {
        w = this.waiters[0];
      } else {
        const first = this.earliest();
        w = first && this.waiters.find((x) => x.slot === first && x.index === first.next);
        // The first event's deliverer is not waiting yet (pacing, a tick behind): it comes and wakes us again.
        if (w && this.blocked(this.nextTime(first as Slot))) w = undefined;
      }
      if (!w) return;
      this.grant(w);
      this.wake();
    });
  }
}
