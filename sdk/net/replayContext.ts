/**
 * What both replay layers (undici dispatcher, http agent) share: the tape's calls indexed by fingerprint, the
 * occurrence counters, the arrival gate, and the link from a replayed request to the event the recorder just wrote
 * for it. The fingerprint is the recorder's own (from its after-event hook), so matching can never disagree with
 * the journal: the replay is recorded by the same NetCall code path as a live call, and the request is then
 * resolved to `serve` (a recorded response), `live` (real network) or `fail` (fail closed, after a divergence).
 * Under policy `fallback` an unmatched request is served from the pool or synthesized (replayFallback.ts).
 */
import type { ReplayControl } from '../replay/replayControl.js';
import type { DivergenceReport, FieldDiff, TapeCall } from '../../src/shared/trace/tape.js';
import type { HttpRequestRecord, LlmPayload, NetLayer } from '../../src/shared/trace/types.js';
import { normalizeUrl } from '../../src/shared/trace/fingerprint.js';
import { diffRequests } from '../../src/shared/trace/requestDiff.js';
import { ArrivalGate } from './arrivalGate.js';
import { ReplayNetworkError } from './killSwitch.js';
import { eventOffsets } from './replayResponse.js';
import { ReplayFallback } from './replayFallback.js';

/** A call event the recorder wrote for a request of the replay. */
export interface NetEvent {
  seq: number;
  kind: 'llm' | 'http';
  fingerprint: string;
  request: HttpRequestRecord;
  layer: NetLayer;
  /** LLM calls: the request asked for a streamed reply, and its model. */
  stream?: boolean;
  model?: string;
}

/** `from`: set when the answer is not the recording's own (policy fallback). */
export type Resolution = { kind: 'serve'; call: TapeCall; from?: 'pool' | 'synth' } | { kind: 'live' } | { kind: 'fail'; error: ReplayNetworkError };

/** Call events kept for lookup by seq (a request body still being read may resolve its event a little later). */
const MAX_KEPT_EVENTS = 1024;

export class ReplayNet {
  readonly gate: ArrivalGate;
  private readonly byFingerprint = new Map<string, TapeCall[]>();
  private readonly nextOccurrence = new Map<string, number>();
  private readonly consumed = new Set<number>();
  private readonly events = new Map<number, NetEvent>();
  private lastSeq = -1;
  /** Set when this layer's own divergence report switched the replay to live. */
  private wentLive = false;
  private readonly until: number;
  /** Policy `fallback` only. */
  private readonly fallback: ReplayFallback | undefined;

  constructor(readonly ctl: ReplayControl) {
    const tape = ctl.tape;
    this.until = tape.untilSeq ?? Number.POSITIVE_INFINITY;
    for (const call of tape.calls) {
      const list = this.byFingerprint.get(call.fingerprint) ?? [];
      list.push(call);
      this.byFingerprint.set(call.fingerprint, list);
    }
    for (const list of this.byFingerprint.values()) list.sort((a, b) => a.occurrence - b.occurrence);
    if (tape.onDivergence === 'fallback') this.fallback = new ReplayFallback(tape);
    // Calls after untilSeq go live: their recorded timing says nothing about the replay.
    this.gate = new ArrivalGate(
      tape.calls.filter((c) => c.seq <= this.until),
      { isLive: () => this.divergedLive() },
    );
    ctl.rec.onAfterEvent((seq, kind, payload, fingerprint) => {
      if ((kind !== 'llm' && kind !== 'http') || !fingerprint) return;
      const p = payload as LlmPayload;
      const ev: NetEvent = { seq, kind, fingerprint, request: p.request, layer: p.layer };
      if (kind === 'llm') {
        ev.stream = p.stream === true;
        if (typeof p.model === 'string') ev.model = p.model;
      }
      this.events.set(seq, ev);
      this.lastSeq = seq;
      if (this.events.size > MAX_KEPT_EVENTS) this.events.delete(this.events.keys().next().value as number);
    });
  }

  /** Seq of the last call event written so far (a mark taken before issuing a request). */
  mark(): number {
    return this.lastSeq;
  }

  /** The call event written after `mark` (the request just issued), if any. */
  eventSince(mark: number): NetEvent | undefined {
    return this.lastSeq > mark ? this.events.get(this.lastSeq) : undefined;
  }

  /** The call event with this seq, if it is still kept. */
  event(seq: number): NetEvent | undefined {
    return this.events.get(seq);
  }

  /**
   * True when a request with this seq goes to the real network: past untilSeq, or after a divergence under policy
   * `live`. The call at exactly untilSeq is still served from the tape.
   */
  liveFor(seq: number): boolean {
    return seq > this.until || this.divergedLive();
  }

  /**
   * Live because of a divergence under `live`. Once the step counter is past untilSeq the controller is not asked:
   * its isLive() then crosses the step boundary (verification, stop or resume), which belongs to the next event,
   * not to the response of a call at untilSeq still being delivered.
   */
  private divergedLive(): boolean {
    return this.wentLive || (this.ctl.rec.steps <= this.until && this.ctl.isLive());
  }

  /** For the kill switch: may a connection be opened right now? */
  liveNow(): boolean {
    return this.wentLive || this.ctl.isLive();
  }

  /**
   * Decides how the request behind `ev` is answered. An unmatched request is reported as a divergence (which ends
   * the process under policy `stop`); under `live` it then goes to the real network.
   * `what` describes the request when there is no event (the recorder could not record it).
   */
  resolve(ev: NetEvent | undefined, what: string): Resolution {
    const r = this.decide(ev, what);
    if (r.kind === 'live') this.ctl.answered?.('live');
    else if (r.kind === 'serve' && !r.from) this.ctl.answered?.('record');
    return r;
  }

  private decide(ev: NetEvent | undefined, what: string): Resolution {
    if (!ev) {
      if (this.liveFor(this.ctl.rec.steps)) return { kind: 'live' };
      const report = { kind: 'http', reason: 'unmatched-request' as const, message: `${what} was not recorded by the SDK, so the replay cannot answer it` };
      if (this.fallback) return this.refuse(report, what);
      this.report(report);
      return this.afterReport(what);
    }
    // Past the resume step everything is live: the continuation is new history.
    if (ev.seq > this.until) return { kind: 'live' };
    const occurrence = this.nextOccurrence.get(ev.fingerprint) ?? 0;
    this.nextOccurrence.set(ev.fingerprint, occurrence + 1);
    const call = this.byFingerprint.get(ev.fingerprint)?.find((c) => c.occurrence === occurrence);
    // After a divergence under `live` (a branch whose edit changed later prompts), a request that still matches a
    // recorded one is served from the record; only the others reach the network.
    if (call) {
      this.consumed.add(call.seq);
      this.gate.issue(call.seq, eventOffsets(call));
      return { kind: 'serve', call };
    }
    if (this.divergedLive()) return { kind: 'live' };
    if (this.fallback) return this.answerFallback(this.fallback, ev, occurrence);
    this.reportUnmatched(ev, occurrence);
    return this.afterReport(`${ev.request.method} ${ev.request.url}`);
  }

  /**
   * Policy `fallback`: the first unmatched request is still reported (a divergence that does not stop the replay),
   * then answered from the pool or synthesized; a request nothing can answer stops the replay.
   */
  private answerFallback(fallback: ReplayFallback, ev: NetEvent, occurrence: number): Resolution {
    this.reportUnmatched(ev, occurrence);
    const plan = fallback.answer(ev);
    const what = `${ev.request.method} ${ev.request.url}`;
    if (!plan) {
      return this.refuse(
        { seq: ev.seq, kind: ev.kind, reason: 'unmatched-request', message: `request ${what} at step ${ev.seq} is not recorded, not in the pool, and has no recorded 2xx response to stand in for it`, actual: { request: ev.request, signature: `${ev.kind}:${ev.fingerprint}` } },
        what,
      );
    }
    // Marks the call in the replay's journal (and so in a branch run): its answer is not the recorded one.
    this.ctl.rec.patch(ev.seq, { replayedFrom: plan.answer.from });
    this.ctl.answered?.(plan.answer.from, plan.answer);
    return { kind: 'serve', call: plan.call, from: plan.answer.from };
  }

  private refuse(r: Omit<DivergenceReport, 'policy' | 'seq'> & { seq?: number }, what: string): Resolution {
    if (this.ctl.refuse) this.ctl.refuse(r);
    else this.ctl.diverge(r);
    return { kind: 'fail', error: new ReplayNetworkError(what) };
  }

  /** Nearest recorded request: an unconsumed call with the same method and URL path, else the next unconsumed one. */
  nearest(request: HttpRequestRecord): TapeCall | undefined {
    const key = `${request.method.toUpperCase()} ${urlPath(request.url)}`;
    const open = this.ctl.tape.calls.filter((c) => !this.consumed.has(c.seq) && c.seq <= this.until).sort((a, b) => a.seq - b.seq);
    const same = (c: TapeCall): boolean => `${c.request.method.toUpperCase()} ${urlPath(c.request.url)}` === key;
    return open.find(same) ?? open[0] ?? [...this.ctl.tape.calls].reverse().find(same);
  }

  private reportUnmatched(ev: NetEvent, occurrence: number): void {
    const recorded = this.byFingerprint.get(ev.fingerprint)?.length ?? 0;
    const near = this.nearest(ev.request);
    let diff: FieldDiff[] | undefined;
    let omitted = 0;
    if (near) ({ diff, omitted } = diffRequests(near.request, ev.request));
    const what = `${ev.request.method} ${ev.request.url}`;
    let message =
      recorded > 0
        ? `request ${what} at step ${ev.seq} was recorded ${recorded} time(s) but the replay issues it again (occurrence ${occurrence + 1})`
        : `request ${what} at step ${ev.seq} matches no recorded call`;
    if (near && diff && diff.length > 0) {
      message += `; nearest recorded call is step ${near.seq}, first difference at ${diff[0].path}`;
      if (omitted > 0) message += ` (${diff.length + omitted} differences, ${omitted} not listed)`;
    }
    this.report({
      seq: ev.seq,
      kind: ev.kind,
      reason: 'unmatched-request',
      message,
      expected: near ? { request: near.request, signature: `${ev.kind}:${near.fingerprint}` } : undefined,
      actual: { request: ev.request, signature: `${ev.kind}:${ev.fingerprint}` },
      diff,
    });
  }

  /** Reports a network-blocked divergence (kill switch). */
  blocked(err: ReplayNetworkError): void {
    const report = { kind: 'http', reason: 'network-blocked' as const, message: err.message };
    // Under `fallback` a connection nothing recorded can stand in for ends the replay, as under `stop`.
    if (this.fallback) this.refuse(report, err.target);
    else this.report(report);
  }

  private report(r: Omit<DivergenceReport, 'policy' | 'seq'> & { seq?: number }): void {
    this.ctl.diverge(r);
    // Under policy `stop` diverge() does not return; under `live` the replay is live from here on.
    if (this.ctl.tape.onDivergence === 'live') this.wentLive = true;
  }

  private afterReport(what: string): Resolution {
    return this.wentLive ? { kind: 'live' } : { kind: 'fail', error: new ReplayNetworkError(what) };
  }
}

function urlPath(url: string): string {
  return normalizeUrl(url).replace(/[?#].*$/, '');
}
