/**
 * The contract between the replay parts of the SDK (values, network, files, verdict). One ReplayControl exists per
 * replaying process; `sdk/replay/controller.ts` implements it. Interface only here so the parts can be built apart.
 */
import type { AnswerSource, DivergenceReport, FallbackAnswer, Tape } from '../../src/shared/trace/tape.js';
import type { Recorder } from '../core/recorder.js';

export interface ReplayControl {
  readonly tape: Tape;
  readonly rec: Recorder;
  /**
   * True once recorded values must no longer be served: after tape.untilSeq (resume) or after a divergence under
   * policy `live`. Network and values then go to the real world (and are recorded as usual).
   */
  isLive(): boolean;
  /**
   * Reports a divergence. The first report is written to the journal; then policy `stop` ends the process with
   * EXIT_DIVERGED (this call does not return), policy `live` switches to live and returns, policy `fallback` returns
   * (the replay goes on offline). Later reports are ignored. `seq` and `policy` are filled in by the controller.
   */
  diverge(report: Omit<DivergenceReport, 'policy' | 'seq'> & { seq?: number }): void;
  /**
   * Policy `fallback`: a request nothing can answer (not recorded, not in the pool, not synthesizable). Ends the
   * process like policy `stop` (EXIT_DIVERGED) with this report as the divergence. Optional: diverge() otherwise.
   */
  refuse?(report: Omit<DivergenceReport, 'policy' | 'seq'> & { seq?: number }): void;
  /** Counts how a request was answered (the verdict's `answered`); pool and synth answers are listed too. */
  answered?(from: AnswerSource, fallback?: FallbackAnswer): void;
  /** Number of recorded events the replay has matched so far (for the verdict). */
  matched(): number;
  /**
   * Calls fn once when the replay goes live (past untilSeq when resuming, or a divergence under policy `live`), so
   * hot paths can keep a flag instead of asking isLive() per call. Optional: consumers fall back to isLive().
   */
  onLive?(fn: () => void): void;
}
