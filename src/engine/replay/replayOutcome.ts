/**
 * What a replay amounted to, from the SDK's verdict, the agent's exit and the recording. Pure, so every case (a
 * crashed recording, a divergence after the fork of a resume, an agent that died without a verdict) is unit-tested.
 */
import { EXIT_STOPPED_AT_STEP, type ReplayVerdict, type Tape } from '../../shared/trace/tape.js';
import type { AgentExit } from '../runner/agentProcess.js';

export type ReplayOutcome =
  /** The replay matched the recording (`upToCrash`: up to where the recorded run crashed). */
  | { kind: 'verified'; upToCrash: boolean }
  /** Offline jump: stopped at the step with the state there verified. */
  | { kind: 'stopped' }
  /** Resume: deterministic through the step, then continued live into the branch run. */
  | { kind: 'resumed' }
  /** Branch: its parent's timeline with its edits, recorded into the branch run (live after a divergence). */
  | { kind: 'branched' }
  /**
   * Policy `fallback`: the replay departed from the recording (a patched agent) and ran on offline to its end, the
   * requests the recording could not answer answered from other runs or synthesized (see ReplayResult.answered).
   */
  | { kind: 'departed' }
  /** The replay differs: a diverging event, the state at the step, the output, or it ended before the step. */
  | { kind: 'diverged'; why: 'event' | 'state' | 'output' | 'ended-early' }
  /** The replay did not complete normally: no verdict from the SDK, or an exit code the recording did not have. */
  | { kind: 'failed'; why: string };

export interface JudgeInput {
  mode: 'replay' | 'jump' | 'resume' | 'branch';
  tape: Tape;
  exit: AgentExit;
  verdict: ReplayVerdict;
  /** Whether the verdict came from the SDK (else the host derived it from the journal). */
  sdkVerdict: boolean;
  recordedExitCode: number | null;
}

export function judge(i: JudgeInput): ReplayOutcome {
  const { tape, verdict, exit } = i;
  const crashedRecording = tape.recordedStatus === 'crashed' || tape.recordedStatus === 'running';
  const d = verdict.divergence;
  // A branch is meant to differ from its parent: only a divergence that stopped it (--offline) is one.
  if (i.mode === 'branch') return d && d.policy === 'stop' ? { kind: 'diverged', why: 'event' } : { kind: 'branched' };
  // A call the sandbox refused ran for real in the recording: the replay could not reproduce it, so it is not verified.
  const refused = verdict.contained?.refused ?? [];
  if (refused.length && (i.mode === 'replay' || i.mode === 'jump')) return { kind: 'failed', why: `the replay sandbox refused ${refused.join(', ')}` };
  // After the step of a resume the run is live: nothing there can diverge from the recording.
  const relevant = d && !(tape.untilSeq !== undefined && i.mode === 'resume' && d.seq > tape.untilSeq) ? d : undefined;
  if (relevant?.policy === 'fallback' && i.mode !== 'resume') return { kind: 'departed' };
  if (relevant) {
    // A crashed recording has no events after the crash: the replay running on past them is reaching the crash.
    if (crashedRecording && relevant.seq >= tape.steps) return { kind: 'verified', upToCrash: true };
    return { kind: 'diverged', why: 'event' };
  }
  if (i.mode !== 'replay' && verdict.state && !verdict.state.ok) return { kind: 'diverged', why: 'state' };
  if (i.mode === 'jump') {
    if (exit.code === EXIT_STOPPED_AT_STEP) return { kind: 'stopped' };
    if (!i.sdkVerdict && exit.code !== 0) return failed(exit, 'the agent ended before the step without a replay verdict');
    return { kind: 'diverged', why: 'ended-early' };
  }
  if (i.mode === 'resume') return { kind: 'resumed' };
  if (crashedRecording && verdict.matched >= tape.steps) return { kind: 'verified', upToCrash: true };
  if (!i.sdkVerdict && (exit.signal !== null || exit.code !== 0)) {
    if (!verdict.identical || (i.recordedExitCode !== null && exit.code !== i.recordedExitCode)) return failed(exit, 'the agent ended without a replay verdict');
  }
  if (!verdict.identical) return { kind: 'diverged', why: verdict.matched < verdict.recordedSteps || verdict.replayedSteps !== verdict.recordedSteps ? 'event' : 'output' };
  if (i.recordedExitCode !== null && exit.code !== i.recordedExitCode) {
    return failed(exit, `the replay exited with ${describeExit(exit)}, the recording with code ${i.recordedExitCode}`);
  }
  return { kind: 'verified', upToCrash: false };
}

function failed(exit: AgentExit, why: string): ReplayOutcome {
  return { kind: 'failed', why: `${why} (${describeExit(exit)})` };
}

export function describeExit(exit: AgentExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}
