/**
 * The human summary of a replay, printed by the CLI on stderr after the agent's own output: the verdict line, or a
 * divergence report (first diverging step, its kind, the expected recorded request and the actual one, one line
 * per differing field). Pure: returns lines.
 */
import type { DivergenceReport, FieldDiff, StateVerification } from '../../shared/trace/tape.js';
import { forkText } from '../../shared/model/runLineage.js';
import type { HttpRequestRecord, Json } from '../../shared/trace/types.js';
import { describeExit } from './replayOutcome.js';
import type { ReplayResult } from './replayRun.js';

const VALUE_MAX = 160;

export function verdictLines(r: ReplayResult): string[] {
  const v = r.verdict;
  const o = r.outcome;
  const lines: string[] = [];
  if (r.step !== undefined && v.state) lines.push(...stateLines(v.state));
  switch (o.kind) {
    case 'verified':
      lines.push(
        o.upToCrash
          ? // The replay may print a little past the recorded end before it is stopped there: output is compared only when equal.
            `Replay verified up to the crash: ${v.matched} events matched; the recording ended after step ${Math.max(0, r.recorded.steps - 1)}${v.stdoutIdentical ? ', output identical' : ''}`
          : `Replay verified: output identical (${v.matched} events matched)`,
      );
      break;
    case 'stopped':
      lines.push(`Stopped at step ${String(r.step)} (offline): ${v.matched} events matched on the way`);
      break;
    case 'resumed': {
      lines.push(`Resumed from step ${String(r.step)} as ${r.branch?.id ?? '?'}`);
      if (r.branch) {
        lines.push(branchRunLine(r.branch));
      }
      break;
    }
    case 'branched':
      lines.push(...branchLines(r));
      break;
    case 'departed':
      lines.push(...departedLines(r));
      break;
    case 'diverged':
      if (o.why === 'event' && v.divergence) lines.push(...divergenceLines(v.divergence, v.matched, r.mode === 'branch' ? 'run the branch without --offline to continue live from it' : undefined));
      else if (o.why === 'state') lines.push(`Replay diverged: the state at step ${String(r.step)} differs from the recording (see above)`);
      else if (o.why === 'ended-early') lines.push(`Replay diverged: the agent ended (${describeExit(r.exit)}) before reaching step ${String(r.step)} (${v.matched} events matched)`);
      else lines.push(`Replay diverged: the output differs from the recording (${v.matched} of ${v.recordedSteps} events matched${v.stdoutIdentical ? '' : ', stdout differs'})`);
      if (o.why === 'output' && r.stdoutDiff) lines.push(...stdoutDiffLines(r.stdoutDiff));
      if (r.mode === 'branch' && r.branch) lines.push(branchRunLine(r.branch));
      break;
    case 'failed':
      lines.push(`Replay failed: ${o.why}; ${v.matched} of ${v.recordedSteps} events matched`);
      break;
  }
  lines.push(...containedLines(r));
  return lines;
}

/**
 * What the sandbox kept off the machine: file writes and metadata changes held in memory, and each refused call
 * (a refused call is also why a replay is not verified; a resume or branch lists them without failing).
 */
export function containedLines(r: ReplayResult): string[] {
  const c = r.verdict.contained;
  if (!c) return [];
  const lines: string[] = [];
  if (c.fsWrites + c.fsMeta > 0) lines.push(`  contained: ${c.fsWrites} file write${c.fsWrites === 1 ? '' : 's'} and ${c.fsMeta} metadata change${c.fsMeta === 1 ? '' : 's'} kept in the sandbox (the disk is unchanged)`);
  for (const call of c.refused) lines.push(`  refused: ${call} (not allowed in the replay sandbox)`);
  return lines;
}

/** Policy fallback: where the replay left the recording and how the requests after it were answered. */
function departedLines(r: ReplayResult): string[] {
  const d = r.verdict.divergence;
  const lines = [`Replay departed from the recording${d ? ` at step ${d.seq} (${d.kind}, ${d.reason}): ${d.message}` : ''}`];
  lines.push(`  ran on offline to its end (${describeExit(r.exit)}); ${answeredText(r)}`);
  return lines;
}

/** `3 requests from the recording, 1 from other runs, 1 synthesized` (sources with a count only). */
export function answeredText(r: ReplayResult): string {
  const a = r.answered;
  const parts = [`${a.record} request${a.record === 1 ? '' : 's'} from the recording`];
  if (a.pool) parts.push(`${a.pool} from other recorded runs`);
  if (a.synth) parts.push(`${a.synth} synthesized`);
  if (a.live) parts.push(`${a.live} live`);
  return parts.join(', ') + (a.pool + a.synth > 0 ? ' (simulated answers)' : '');
}

/** A branch run: where it forked, what it did with its edits, how it ended, and where it went live (if it did). */
function branchLines(r: ReplayResult): string[] {
  const b = r.branch;
  if (!b) return [`Branch of ${r.runId} ran (${describeExit(r.exit)})`];
  const edits = b.edits ?? 0;
  const lines = [`Branch ${b.id} ran from step ${b.forkSeq + 1} of ${r.runId} with ${edits} edit${edits === 1 ? '' : 's'}`];
  const d = r.verdict.divergence;
  if (d?.policy === 'fallback') lines.push(`  served from the recording through step ${d.seq - 1}; offline from step ${d.seq} on: ${d.message}`, `  ${answeredText(r)}`);
  else if (d) lines.push(`  served from the recording through step ${d.seq - 1}; live from step ${d.seq}: ${d.message}`);
  else lines.push('  every request and value was served from the recording (nothing went live)');
  lines.push(branchRunLine(b));
  return lines;
}

function branchRunLine(b: NonNullable<ReplayResult['branch']>): string {
  const exit = b.signal ? `signal ${b.signal}` : b.exitCode !== null ? `exit ${b.exitCode}` : 'no exit code';
  return `Branch ${b.id}: ${b.status} (${exit}), ${b.steps} steps (${Math.max(0, b.steps - b.forkSeq - 1)} own, ${forkText(b.forkSeq)})`;
}

function stdoutDiffLines(d: NonNullable<ReplayResult['stdoutDiff']>): string[] {
  const show = (t: string | undefined): string => (t === undefined ? '(no such line)' : JSON.stringify(t.length > VALUE_MAX ? t.slice(0, VALUE_MAX - 1) + '…' : t));
  return [`  first difference on stdout line ${d.line}:`, `    expected (recorded): ${show(d.expected)}`, `    actual (replay):     ${show(d.actual)}`];
}

export function stateLines(s: StateVerification): string[] {
  if (s.ok) return [`state at step ${s.seq} verified`];
  const shown = s.paths.slice(0, 20);
  const more = s.paths.length > shown.length ? [`  … and ${s.paths.length - shown.length} more`] : [];
  return [`state at step ${s.seq} differs from the recording at ${s.paths.length} path${s.paths.length === 1 ? '' : 's'}:`, ...shown.map((p) => `  ${p || '(root)'}`), ...more];
}

/** The divergence report: where, what kind, why, expected vs actual request, and one line per differing field. */
export function divergenceLines(d: DivergenceReport, matched?: number, stopHint = 'use --on-divergence live to continue live from it'): string[] {
  const lines = [`Replay diverged at step ${d.seq} (${d.kind}, ${d.reason}): ${d.message}`];
  const expected = d.expected?.request ? requestLine(d.expected.request) : d.expected?.signature;
  const actual = d.actual?.request ? requestLine(d.actual.request) : d.actual?.signature;
  if (expected !== undefined) lines.push(`  expected (recorded): ${expected}`);
  if (actual !== undefined) lines.push(`  actual (replay):     ${actual}`);
  for (const f of d.diff ?? []) lines.push(`  ${fieldLine(f)}`);
  const tail = d.policy === 'stop' ? `stopped there (${stopHint})` : d.policy === 'fallback' ? 'continued offline from there (fallback answers)' : 'continued live from there (--on-divergence live)';
  lines.push(`  ${matched !== undefined ? `${matched} events matched before it; ` : ''}${tail}`);
  return lines;
}

export function fieldLine(f: FieldDiff): string {
  return `${f.path || '(root)'}: expected ${show(f.expected)}, actual ${show(f.actual)}`;
}

function requestLine(r: HttpRequestRecord): string {
  return `${r.method} ${r.url}`;
}

function show(v: Json | undefined): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > VALUE_MAX ? s.slice(0, VALUE_MAX - 1) + '…' : s;
}
