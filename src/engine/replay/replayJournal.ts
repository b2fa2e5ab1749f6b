/**
 * Reading a replay's own journal: the SDK's verdict, divergence and state verification records, and — when the SDK
 * could not write a verdict (the agent was killed, the SDK faulted) — a verdict the host derives itself by comparing
 * the replay's events with the tape's signature, so a replay always ends with an answer.
 */
import fs from 'node:fs';
import { parseJournal, type JournalEnd, type JournalLine } from '../../shared/trace/journal.js';
import type { AnswerSource, DivergenceReport, ReplayVerdict, StateVerification, Tape } from '../../shared/trace/tape.js';
import type { ErrorPayload } from '../../shared/trace/types.js';

export interface ReplayJournal {
  /** The SDK's verdict (absent when it never got to write it). */
  verdict?: ReplayVerdict;
  divergence?: DivergenceReport;
  verification?: StateVerification;
  end?: JournalEnd;
  /** Signature of the replay's events, one entry per seq (`kind` or `kind:fingerprint`; '' for a seq not seen). */
  signature: string[];
  /** The replay's stdout as its console events recorded it. */
  stdout: string;
  /** Journal lines that could not be parsed. */
  bad: number;
  /** No line at all: the SDK never started in replay mode (or the agent died before it loaded). */
  empty: boolean;
  /**
   * How the replay's calls were answered, as far as the journal tells: calls marked `replayedFrom` (patch records)
   * were answered from the pool or synthesized; the others count as answered from the recording.
   */
  answered: Record<AnswerSource, number>;
  /** Wall-clock time (journal `ts`) of the replay's first and last event, for speed figures. */
  firstTs?: number;
  lastTs?: number;
  /** The replay's last `error` event (an uncaught exception), as its SDK wrote it. */
  error?: { seq: number; payload: ErrorPayload };
}

export function readReplayJournal(file: string): ReplayJournal {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  let bad = 0;
  return summarize(parseJournal(text, () => bad++), bad);
}

export function summarize(lines: JournalLine[], bad = 0): ReplayJournal {
  const out: ReplayJournal = { signature: [], stdout: '', bad, empty: lines.length === 0, answered: { record: 0, pool: 0, synth: 0, live: 0 } };
  for (const l of lines) {
    switch (l.t) {
      case 'patch': {
        const from = (l.payload as { replayedFrom?: unknown }).replayedFrom;
        if (from === 'pool' || from === 'synth') {
          out.answered[from]++;
          out.answered.record--;
        }
        break;
      }
      case 'ev':
        if (l.kind === 'llm' || l.kind === 'http') out.answered.record++;
        out.firstTs = Math.min(out.firstTs ?? l.ts, l.ts);
        out.lastTs = Math.max(out.lastTs ?? l.ts, l.ts);
        out.signature[l.seq] = l.fp ? `${l.kind}:${l.fp}` : l.kind;
        if (l.kind === 'error') out.error = { seq: l.seq, payload: l.payload as unknown as ErrorPayload };
        if (l.kind === 'console') {
          const p = l.payload as { stream?: string; text?: string };
          if (p.stream === 'stdout' && typeof p.text === 'string') out.stdout += p.text;
        }
        break;
      case 'batch':
        for (let i = 0; i < l.values.length; i++) out.signature[l.seq + i] = l.kind;
        break;
      case 'diverge':
        out.divergence ??= l.report;
        break;
      case 'verify':
        out.verification = l.result;
        break;
      case 'verdict':
        out.verdict = l.verdict;
        break;
      case 'end':
        out.end = l;
        break;
    }
  }
  for (let i = 0; i < out.signature.length; i++) out.signature[i] ??= '';
  return out;
}

/**
 * The host's own verdict from the replay journal: events are compared seq by seq with the recorded signature (up
 * to the tape's untilSeq when jumping), plus the stdout the console events carried. Used when the SDK wrote none.
 */
export function hostVerdict(tape: Tape, j: ReplayJournal): ReplayVerdict {
  const last = tape.untilSeq ?? tape.steps - 1;
  let matched = 0;
  while (matched <= last && matched < j.signature.length && j.signature[matched] === tape.signature[matched]) matched++;
  const replayedSteps = j.signature.length;
  const complete = matched > last;
  const stdoutIdentical = tape.untilSeq === undefined ? j.stdout === tape.stdout : tape.stdout.startsWith(j.stdout);
  const verdict: ReplayVerdict = { identical: complete && stdoutIdentical && (tape.untilSeq !== undefined || replayedSteps === tape.steps), matched, recordedSteps: tape.steps, replayedSteps, stdoutIdentical };
  const divergence = j.divergence ?? (complete ? undefined : firstMismatch(tape, j, matched));
  if (divergence) verdict.divergence = divergence;
  if (j.verification) verdict.state = j.verification;
  return verdict;
}

function firstMismatch(tape: Tape, j: ReplayJournal, seq: number): DivergenceReport {
  const expected = tape.signature[seq];
  const actual = j.signature[seq];
  const kind = (actual || expected || 'event').split(':')[0];
  const message =
    actual === undefined || actual === ''
      ? `the replay ended before step ${seq} (${expected ?? 'end'}) was reached`
      : expected === undefined
        ? `the replay went on past the recorded end (step ${seq}: ${actual})`
        : `step ${seq} was ${expected} in the recording but ${actual} in the replay`;
  return { seq, kind, reason: actual && expected ? 'event-mismatch' : 'tape-exhausted', message, expected: { signature: expected }, actual: { signature: actual }, policy: tape.onDivergence };
}

/** The first line where two outputs differ (1-based), or undefined when they are equal. */
export function firstLineDiff(expected: string, actual: string): { line: number; expected?: string; actual?: string } | undefined {
  if (expected === actual) return undefined;
  const e = expected.split('\n');
  const a = actual.split('\n');
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  return { line: i + 1, expected: e[i], actual: a[i] };
}
