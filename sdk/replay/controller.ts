/**
 * The one ReplayControl of a replaying process. It watches the replay's own events (recorder hooks) and:
 * - compares each with the recorded signature (`kind` or `kind:fingerprint` per seq) until the replay goes live;
 * - holds the first divergence and applies the policy (stop: end the process with EXIT_DIVERGED; live: go live;
 *   fallback: go on offline, unmatched requests answered from the pool or synthesized by the network replay);
 * - counts how requests were answered (record, pool, synth, live) for the verdict;
 * - right after step N (tape.untilSeq: its event was emitted, or its value served) verifies the tracked state, then
 *   stops the process (offline jump, EXIT_STOPPED_AT_STEP) or goes live (resume);
 * - writes the verdict just before the journal's end line (and prints it in environment-variable mode).
 * IMPORTANT: the process is ended with process.exit from inside agent code (a Math.random call, an fs write...):
 * exit listeners still run (installErrors writes the exit event and the end line; the verdict hook runs there).
 */
import type { AnswerSource, DivergenceReport, FallbackAnswer, StateVerification, Tape } from '../../src/shared/trace/tape.js';
import { EXIT_DIVERGED, EXIT_STOPPED_AT_STEP } from '../../src/shared/trace/tape.js';
import type { ConsolePayload, ErrorPayload, EventKind, RunStatus } from '../../src/shared/trace/types.js';
import type { Recorder } from '../core/recorder.js';
import { orig } from '../core/originals.js';
import { runInternal } from '../core/internal.js';
import type { ReplayControl } from './replayControl.js';
import { verifyTrackedState } from './stateCheck.js';
import { buildVerdict, formatVerdict } from './verdict.js';
import { containmentSummary, noteFsWrite } from './containment.js';

export interface ControllerOptions {
  /** Environment-variable mode: no host, so the verdict is printed on stderr at exit. */
  printVerdict: boolean;
  /** Ends the process (injected: tests and the entry point decide how). Must not return when it can exit. */
  exit: (code: number) => void;
}

/** Taken at load, before anything could wrap it. */
const setImmediateOrig = globalThis.setImmediate;

/** Kinds whose signature carries a fingerprint: a mismatch there is first left to the network replay to explain. */
const CALL_KINDS = new Set<string>(['llm', 'http']);

export class ReplayController implements ReplayControl {
  private live = false;
  /** Last seq served from the tape (untilSeq, or every seq). */
  private readonly until: number;
  private boundaryDone = false;
  private exiting = false;
  private divergence: DivergenceReport | undefined;
  private verification: StateVerification | undefined;
  /** What the process is stopping for: set right before it exits on purpose. */
  private stopReason: 'diverged' | 'step' | undefined;
  /** The replay's stdout (masked, as recorded) through `until`, for the byte-identical verdict. */
  private stdout = '';
  private abandoned = false;
  private readonly liveListeners: (() => void)[] = [];
  private readonly counts: Record<AnswerSource, number> = { record: 0, pool: 0, synth: 0, live: 0 };
  private readonly fallbackAnswers: FallbackAnswer[] = [];

  constructor(
    readonly tape: Tape,
    readonly rec: Recorder,
    private readonly opts: ControllerOptions,
  ) {
    this.until = tape.untilSeq ?? Number.POSITIVE_INFINITY;
    // Step N is normally noticed at N itself (afterEvent, TapeSource); this is the fallback before any later seq.
    // Registered before any other hook (the controller is created before the installers), so it runs before the
    // state manager emits pending deltas under the next seq.
    rec.onBeforeEvent(() => {
      if (!this.boundaryDone && rec.steps > this.until) this.atBoundary();
    });
    rec.onAfterEvent((seq, kind, payload, fp) => this.afterEvent(seq, kind, payload, fp));
    rec.onBeforeEnd(() => this.beforeEnd());
    // First exit listener of the process: from here on, stopping means setting the exit code, not calling exit().
    process.on('exit', () => {
      this.exiting = true;
    });
  }

  onLive(fn: () => void): void {
    if (this.live) fn();
    else this.liveListeners.push(fn);
  }

  private goLive(): void {
    if (this.live) return;
    this.live = true;
    for (const fn of this.liveListeners.splice(0)) {
      try {
        fn();
      } catch (e) {
        this.rec.fault('replay live switch', e);
      }
    }
  }

  isLive(): boolean {
    if (this.live) return true;
    if (!this.boundaryDone && this.rec.steps > this.until) this.atBoundary();
    return this.live;
  }

  matched(): number {
    if (this.divergence) return this.divergence.seq;
    return Math.min(this.rec.steps, this.until + 1, this.tape.steps);
  }

  diverge(report: Omit<DivergenceReport, 'policy' | 'seq'> & { seq?: number }): void {
    if (this.divergence || this.live) return;
    const full: DivergenceReport = { ...report, seq: report.seq ?? this.rec.steps, policy: this.tape.onDivergence };
    this.divergence = full;
    runInternal(() => this.rec.replayLine({ t: 'diverge', report: full }));
    if (this.tape.onDivergence === 'live') {
      this.goLive();
      return;
    }
    // The replay goes on offline: the rest of the run is the patched agent's own, so it is no longer compared.
    if (this.tape.onDivergence === 'fallback') return;
    this.stop('diverged', EXIT_DIVERGED);
  }

  refuse(report: Omit<DivergenceReport, 'policy' | 'seq'> & { seq?: number }): void {
    if (this.live) return;
    if (this.tape.onDivergence !== 'fallback') {
      this.diverge(report);
      return;
    }
    // This report replaces an earlier fallback divergence: it is what ended the replay.
    const full: DivergenceReport = { ...report, seq: report.seq ?? this.rec.steps, policy: 'stop' };
    this.divergence = full;
    runInternal(() => this.rec.replayLine({ t: 'diverge', report: full }));
    this.stop('diverged', EXIT_DIVERGED);
  }

  answered(from: AnswerSource, fallback?: FallbackAnswer): void {
    this.counts[from]++;
    if (fallback) this.fallbackAnswers.push(fallback);
  }

  /** The replay could not start (a sandbox failed to install): no verdict is written. */
  abandon(): void {
    this.abandoned = true;
  }

  /** The first divergence, if any (tests, bootstrap). */
  get firstDivergence(): DivergenceReport | undefined {
    return this.divergence;
  }

  private afterEvent(seq: number, kind: EventKind, payload: unknown, fp: string | undefined): void {
    // Every fs event of a replay is a write the file sandbox kept in its volume.
    if (kind === 'fs') noteFsWrite();
    if (seq > this.until) return;
    if (kind === 'console') {
      const p = payload as ConsolePayload;
      if (p.stream === 'stdout') this.stdout += p.text;
    }
    this.checkSignature(seq, kind, fp, kind === 'error' ? (payload as ErrorPayload) : undefined);
    // Step N itself has been emitted: verify and stop (or go live) now, before the agent can print step N+1's line
    // (console output is written before its event gets a seq).
    if (seq === this.until && !this.boundaryDone) this.atBoundary();
  }

  private checkSignature(seq: number, kind: EventKind, fp: string | undefined, thrown?: ErrorPayload): void {
    if (this.live || this.divergence) return;
    const actual = fp ? `${kind}:${fp}` : kind;
    const expected = this.tape.signature[seq];
    if (actual === expected) return;
    const report = {
      seq,
      kind,
      reason: 'event-mismatch' as const,
      message:
        expected === undefined
          ? `the replay went on past the end of the recorded run (${this.tape.steps} steps, ${this.tape.recordedStatus}) with a ${kind} event`
          : thrown
            ? `at step ${seq} the agent threw ${thrownLine(thrown)} in the replay, where the recording had ${this.describeRecorded(seq, expected)}${seq === 0 ? ' (at its first step: does your environment differ from the recording\'s?)' : ''}`
            : `step ${seq} is a ${kind} event in the replay but ${this.describeRecorded(seq, expected)} in the recording`,
      expected: expected !== undefined ? { signature: expected } : undefined,
      actual: { signature: actual },
    };
    if (expected !== undefined && CALL_KINDS.has(kind) && expected.startsWith(`${kind}:`)) {
      // Same kind, other request: the network replay reports this one with the nearest recorded request and a field
      // diff (it may do so right after this event). Only if it did not, this plainer report stands.
      setImmediateOrig(() => this.diverge(report));
      return;
    }
    this.diverge(report);
  }

  /** The recorded event at `seq` (its signature `sig`), naming the request of a recorded call. */
  private describeRecorded(seq: number, sig: string): string {
    return describeSignature(sig, sig.includes(':') ? this.tape.calls.find((c) => c.seq === seq)?.request : undefined);
  }

  /** Step N (`until`) is done: verify the state there, then stop or go live. */
  private atBoundary(): void {
    this.boundaryDone = true;
    this.verifyState();
    if (this.tape.after === 'live') {
      this.goLive();
      return;
    }
    this.stop('step', EXIT_STOPPED_AT_STEP);
  }

  private verifyState(): void {
    if (this.verification || this.tape.untilSeq === undefined) return;
    const result = runInternal(() => verifyTrackedState(this.tape.untilSeq as number, this.tape.stateAtUntil));
    this.verification = result;
    runInternal(() => this.rec.replayLine({ t: 'verify', result }));
  }

  private stop(reason: 'diverged' | 'step', code: number): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    process.exitCode = code;
    // Inside exit listeners already (e.g. the exit event itself diverged): the exit code is all that can change.
    if (this.exiting) return;
    this.opts.exit(code);
  }

  /** Inside rec.end(): the verdict line goes right before the end line. */
  private beforeEnd(): RunStatus | void {
    if (this.abandoned) return;
    // A run that ends before reaching `until` (or exactly at it) is verified here.
    if (!this.boundaryDone && this.tape.untilSeq !== undefined && this.rec.steps > this.tape.untilSeq) this.verifyState();
    const verdict = buildVerdict({
      tape: this.tape,
      replayedSteps: this.rec.steps,
      matched: this.matched(),
      stdout: this.stdout,
      divergence: this.divergence,
      state: this.verification,
      answered: { ...this.counts },
      fallbackAnswers: this.fallbackAnswers,
      contained: containmentSummary(),
    });
    this.rec.replayLine({ t: 'verdict', verdict });
    if (this.opts.printVerdict) {
      try {
        orig.stderrWrite(formatVerdict(verdict, this.tape));
      } catch {
        // stderr closed: the journal still has the verdict.
      }
    }
    if (this.stopReason === 'diverged' && this.divergence?.policy === 'stop') return 'diverged';
    if (this.stopReason === 'step') return 'ok';
  }
}

/** `Name: message` of an error event, on one line and short enough for a divergence line. */
function thrownLine(e: ErrorPayload): string {
  const line = `${e.name}: ${e.message}`.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/** A recorded event by its signature: `a console event`, or a call with its request (when known) and fingerprint. */
function describeSignature(sig: string, request?: { method: string; url: string }): string {
  const i = sig.indexOf(':');
  if (i < 0) return `a ${sig} event`;
  const what = request ? ` (${request.method} ${request.url.length > 120 ? `${request.url.slice(0, 119)}…` : request.url})` : '';
  return `a ${sig.slice(0, i)} call${what} with fingerprint ${sig.slice(i + 1, i + 13)}…`;
}
