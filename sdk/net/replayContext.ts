/**
 * What both replay layers (undici dispatcher, http agent) share: the tape's calls indexed by fingerprint, the
 * occurrence counters, the arrival gate, and the link from a replayed request to the event the recorder just wrote
 * for it. The fingerprint is the recorder's own (from its after-event hook), so matching can never disagree with
 * the journal: the replay is recorded by the same NetCall code path as a live call, and the request is then
 * resolved to `serve` (a recorded response), `live` (real network) or `fail` (fail closed, after a divergence).
 */
import type { ReplayControl } from '../replay/replayControl.js';
import type { DivergenceReport, FieldDiff, TapeCall } from '../../src/shared/trace/tape.js';
import type { HttpPayload, HttpRequestRecord } from '../../src/shared/trace/types.js';
import { normalizeUrl } from '../../src/shared/trace/fingerprint.js';
import { diffRequests } from '../../src/shared/trace/requestDiff.js';
import { ArrivalGate } from './arrivalGate.js';
import { ReplayNetworkError } from './killSwitch.js';
import { eventOffsets } from './replayResponse.js';

/** A call event the recorder wrote for a request of the replay. */
export interface NetEvent {
  seq: number;
  kind: 'llm' | 'http';
  fingerprint: string;
  request: HttpRequestRecord;
}

export type Resolution = { kind: 'serve'; call: TapeCall } | { kind: 'live' } | { kind: 'fail'; error: ReplayNetworkError };

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

  constructor(readonly ctl: ReplayControl) {
    const tape = ctl.tape;
    this.until = tape.untilSeq ?? Number.POSITIVE_INFINITY;
    for (const call of tape.calls) {
      const list = this.byFingerprint.get(call.fingerprint) ?? [];
      list.push(call);
      this.byFingerprint.set(call.fingerprint, list);
    }
    for (const list of this.byFingerprint.values()) list.sort((a, b) => a.occurrence - b.occurrence);
    // Calls after untilSeq go live: their recorded timing says nothing about the replay.
    this.gate = new ArrivalGate(
      tape.calls.filter((c) => c.seq <= this.until),
      { isLive: () => this.divergedLive() },
    );
    ctl.rec.onAfterEvent((seq, kind, payload, fingerprint) => {
      if ((kind !== 'llm' && kind !== 'http') || !fingerprint) return;
      this.events.set(seq, { seq, kind, fingerprint, request: (payload as HttpPayload).request });
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
    if (!ev) {
      if (this.liveFor(this.ctl.rec.steps)) return { kind: 'live' };
      this.report({ kind: 'http', reason: 'unmatched-request', message: `${what} was not recorded by the SDK, so the replay cannot answer it` });
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
    this.reportUnmatched(ev, occurrence);
    return this.afterReport(`${ev.request.method} ${ev.request.url}`);
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
    this.report({ kind: 'http', reason: 'network-blocked', message: err.message });
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
