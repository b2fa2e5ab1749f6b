/**
 * The failure report of a regression test (`agenttrace test`): the first thing that differs between the replay of
 * the current code and its recording — a request (with a -/+ line pair per differing field; long strings shown
 * around their first difference), the output, or the exit code. Pure: returns lines, the first one a summary.
 */
import type { DivergenceReport, FieldDiff } from '../../shared/trace/tape.js';
import type { Json } from '../../shared/trace/types.js';
import { describeExit } from './replayOutcome.js';
import type { ReplayResult } from './replayRun.js';
import { verdictLines } from './verdictText.js';

/** Characters shown on each side of a long string's first difference. */
const CONTEXT = 48;
const VALUE_MAX = 200;

export function failureLines(r: ReplayResult): string[] {
  const o = r.outcome;
  const v = r.verdict;
  if (o.kind === 'diverged' && o.why === 'event' && v.divergence) return divergenceDiff(v.divergence, v.matched);
  if (o.kind === 'diverged' && o.why === 'output') {
    const lines = [`output differs from the recording${r.stdoutDiff ? ` at stdout line ${r.stdoutDiff.line}` : ''} (${v.matched} of ${v.recordedSteps} events matched)`];
    if (r.stdoutDiff) lines.push(...valuePair(r.stdoutDiff.expected, r.stdoutDiff.actual, '(no such line)'));
    return lines;
  }
  if (o.kind === 'failed' && r.recorded.exitCode !== null && r.exit.code !== r.recorded.exitCode) {
    return [`exit code changed: recorded ${r.recorded.exitCode}, now ${describeExit(r.exit)} (${v.matched} of ${v.recordedSteps} events matched)`];
  }
  const lines = verdictLines(r);
  return lines.length ? lines : [`replay ${o.kind}`];
}

function divergenceDiff(d: DivergenceReport, matched: number): string[] {
  const lines = [`diverged at step ${d.seq} (${d.kind}, ${d.reason}): ${d.message}`];
  const rec = d.expected?.request ? `${d.expected.request.method} ${d.expected.request.url}` : d.expected?.signature;
  const now = d.actual?.request ? `${d.actual.request.method} ${d.actual.request.url}` : d.actual?.signature;
  if (rec !== undefined && rec === now) lines.push(`  request:  ${rec} (recorded and now)`);
  else {
    if (rec !== undefined) lines.push(`  recorded: ${rec}`);
    if (now !== undefined) lines.push(`  now:      ${now}`);
  }
  for (const f of d.diff ?? []) lines.push(...fieldDiff(f));
  lines.push(`  ${matched} event${matched === 1 ? '' : 's'} matched before it`);
  return lines;
}

/** `  body.messages.0.content:` then `    - <recorded>` and `    + <now>`. */
export function fieldDiff(f: FieldDiff): string[] {
  return [`  ${f.path || '(root)'}:`, ...valuePair(f.expected, f.actual, '(absent)').map((l) => '  ' + l)];
}

function valuePair(expected: Json | undefined, actual: Json | undefined, absent: string): string[] {
  if (typeof expected === 'string' && typeof actual === 'string' && (expected.length > VALUE_MAX || actual.length > VALUE_MAX)) {
    const at = firstDifference(expected, actual);
    return [`  - ${around(expected, at)}`, `  + ${around(actual, at)}`, `    (first difference at character ${at})`];
  }
  return [`  - ${show(expected, absent)}`, `  + ${show(actual, absent)}`];
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The string around `at`, JSON-quoted, with … where it was cut. */
function around(s: string, at: number): string {
  const from = Math.max(0, at - CONTEXT);
  const to = Math.min(s.length, at + CONTEXT);
  return `${from > 0 ? '…' : ''}${JSON.stringify(s.slice(from, to))}${to < s.length ? '…' : ''}`;
}

function show(v: Json | undefined, absent: string): string {
  if (v === undefined) return absent;
  const s = JSON.stringify(v);
  return s.length > VALUE_MAX ? s.slice(0, VALUE_MAX - 1) + '…' : s;
}
