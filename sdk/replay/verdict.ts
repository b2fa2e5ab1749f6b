/**
 * The replay's verdict: computed by the SDK at exit from what the controller observed, written to the journal,
 * and in environment-variable mode (no host to print it) formatted as a few `agenttrace:` lines on stderr.
 */
import type { AnswerSource, DivergenceReport, FallbackAnswer, FieldDiff, ReplayContainment, ReplayVerdict, StateVerification, Tape } from '../../src/shared/trace/tape.js';

export interface VerdictInput {
  tape: Tape;
  replayedSteps: number;
  matched: number;
  /** The replay's recorded stdout (masked like the recording's) through tape.untilSeq. */
  stdout: string;
  divergence?: DivergenceReport;
  state?: StateVerification;
  answered?: Record<AnswerSource, number>;
  fallbackAnswers?: FallbackAnswer[];
  /** What the sandbox contained; a refused call means the replay is not identical (not "verified"). */
  contained?: ReplayContainment;
}

export function buildVerdict(input: VerdictInput): ReplayVerdict {
  const { tape, divergence, state } = input;
  // A tape for a jump may hold the whole recorded stdout: the replay's output through the step must then be its
  // beginning (the signature check already made sure the same console events happened up to there).
  const stdoutIdentical = tape.untilSeq === undefined ? input.stdout === tape.stdout : tape.stdout.startsWith(input.stdout);
  const stepsOk = tape.untilSeq !== undefined ? input.replayedSteps > tape.untilSeq : input.replayedSteps === tape.steps;
  const verdict: ReplayVerdict = {
    identical: !divergence && stdoutIdentical && stepsOk && (state === undefined || state.ok) && !input.contained?.refused.length,
    matched: input.matched,
    recordedSteps: tape.steps,
    replayedSteps: input.replayedSteps,
    stdoutIdentical,
  };
  if (divergence) verdict.divergence = divergence;
  if (state) verdict.state = state;
  if (input.answered) verdict.answered = input.answered;
  if (input.fallbackAnswers?.length) verdict.fallbackAnswers = input.fallbackAnswers;
  if (input.contained) verdict.contained = input.contained;
  return verdict;
}

const MAX_DIFF_LINES = 12;

/** The verdict as `agenttrace:` lines (environment-variable mode). */
export function formatVerdict(v: ReplayVerdict, tape: Tape): string {
  const lines: string[] = [];
  if (v.state) {
    lines.push(v.state.ok ? `state at step ${v.state.seq} verified` : `state at step ${v.state.seq} differs: ${v.state.paths.join(', ')}`);
  }
  const refused = v.contained?.refused ?? [];
  if (refused.length) lines.push(`Replay not verified: the replay sandbox refused ${refused.join(', ')}`);
  if (v.divergence) lines.push(...divergenceLines(v.divergence));
  else if (v.identical) lines.push(`Replay verified: output identical (${v.matched} events matched)`);
  else if (refused.length) {
    // Not verified, and why was said above; the output is not compared past a refused call.
  } else if (!v.stdoutIdentical) lines.push(`Replay finished but its output differs from the recording (${v.matched} events matched)`);
  else lines.push(`Replay finished after ${v.replayedSteps} steps; the recording has ${v.recordedSteps} (${v.matched} events matched)`);
  if (tape.untilSeq !== undefined && tape.after === 'stop' && !v.divergence) lines.push(`stopped at step ${tape.untilSeq} (offline)`);
  const a = v.answered;
  if (a && a.pool + a.synth > 0) lines.push(`${a.pool} request(s) answered from other recorded runs, ${a.synth} synthesized (simulated answers)`);
  if (tape.branch) lines.push(`live from step ${tape.untilSeq ?? tape.branch.forkSeq} on, recorded as ${tape.branch.id}`);
  return lines.map((l) => `agenttrace: ${l}\n`).join('');
}

function divergenceLines(d: DivergenceReport): string[] {
  const out = [`Replay diverged at step ${d.seq} (${d.kind}, ${d.reason}): ${d.message}`];
  if (d.expected?.request) out.push(`  expected: ${d.expected.request.method} ${d.expected.request.url}`);
  else if (d.expected?.signature) out.push(`  expected: ${d.expected.signature}`);
  if (d.actual?.request) out.push(`  actual:   ${d.actual.request.method} ${d.actual.request.url}`);
  else if (d.actual?.signature) out.push(`  actual:   ${d.actual.signature}`);
  const diff = d.diff ?? [];
  for (const f of diff.slice(0, MAX_DIFF_LINES)) out.push(`  ${diffLine(f)}`);
  if (diff.length > MAX_DIFF_LINES) out.push(`  ... ${diff.length - MAX_DIFF_LINES} more differences`);
  out.push(
    d.policy === 'live'
      ? '  continued live from there (--on-divergence live)'
      : d.policy === 'fallback'
        ? '  continued offline from there (--on-divergence fallback)'
        : '  stopped there (--on-divergence stop)',
  );
  return out;
}

function diffLine(f: FieldDiff): string {
  const show = (v: unknown): string => {
    if (v === undefined) return '(absent)';
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  };
  return `${f.path}: ${show(f.expected)} -> ${show(f.actual)}`;
}
