import { describe, expect, it } from 'vitest';
import type { JournalLine } from '../../shared/trace/journal.js';
import type { ReplayVerdict, Tape } from '../../shared/trace/tape.js';
import { hostVerdict, summarize } from './replayJournal.js';
import { judge, type JudgeInput } from './replayOutcome.js';
import { divergenceLines, stateLines } from './verdictText.js';

const tape = (extra: Partial<Tape> = {}): Tape => ({
  formatVersion: 1,
  runId: 'r',
  steps: 4,
  recordedStatus: 'ok',
  after: 'stop',
  onDivergence: 'stop',
  pace: 'instant',
  calls: [],
  values: {},
  signature: ['random', 'llm:fa', 'console', 'exit'],
  stdout: 'hi\n',
  ...extra,
});
const verdict = (extra: Partial<ReplayVerdict> = {}): ReplayVerdict => ({ identical: true, matched: 4, recordedSteps: 4, replayedSteps: 4, stdoutIdentical: true, ...extra });
const input = (extra: Partial<JudgeInput> = {}): JudgeInput => ({ mode: 'replay', tape: tape(), exit: { code: 0, signal: null }, verdict: verdict(), sdkVerdict: true, recordedExitCode: 0, ...extra });
const divergence = (seq: number) => ({ seq, kind: 'llm', reason: 'unmatched-request' as const, message: 'no match', policy: 'stop' as const });

describe('judge', () => {
  it('verified when the SDK says identical and the exit code is the recorded one', () => {
    expect(judge(input())).toEqual({ kind: 'verified', upToCrash: false });
    expect(judge(input({ exit: { code: 1, signal: null }, recordedExitCode: 1 }))).toEqual({ kind: 'verified', upToCrash: false });
    expect(judge(input({ exit: { code: 2, signal: null } }))).toMatchObject({ kind: 'failed', why: expect.stringMatching(/exited with code 2, the recording with code 0/) });
  });

  it('a call refused by the sandbox fails a replay or a jump (never verified); a resume or a branch keeps its outcome', () => {
    const contained = { fsWrites: 2, fsMeta: 1, refused: ['child_process.spawn', 'dns.lookup'] };
    expect(judge(input({ verdict: verdict({ contained }) }))).toEqual({ kind: 'failed', why: 'the replay sandbox refused child_process.spawn, dns.lookup' });
    expect(judge(input({ mode: 'jump', tape: tape({ untilSeq: 2 }), verdict: verdict({ contained }), exit: { code: 87, signal: null } }))).toMatchObject({ kind: 'failed' });
    expect(judge(input({ mode: 'resume', tape: tape({ untilSeq: 2 }), verdict: verdict({ contained }) }))).toEqual({ kind: 'resumed' });
    expect(judge(input({ mode: 'branch', verdict: verdict({ contained }) }))).toEqual({ kind: 'branched' });
    // Contained side effects alone do not stand in the way of "verified".
    expect(judge(input({ verdict: verdict({ contained: { fsWrites: 3, fsMeta: 2, refused: [] } }) }))).toEqual({ kind: 'verified', upToCrash: false });
  });

  it('diverged on a divergence, on different output, or on a state mismatch at the step', () => {
    expect(judge(input({ verdict: verdict({ identical: false, matched: 1, divergence: divergence(1) }), exit: { code: 86, signal: null } }))).toEqual({ kind: 'diverged', why: 'event' });
    expect(judge(input({ verdict: verdict({ identical: false, stdoutIdentical: false }) }))).toEqual({ kind: 'diverged', why: 'output' });
    const state = { seq: 2, ok: false, paths: ['memory.goal'] };
    expect(judge(input({ mode: 'jump', tape: tape({ untilSeq: 2 }), verdict: verdict({ identical: false, state }), exit: { code: 87, signal: null } }))).toEqual({ kind: 'diverged', why: 'state' });
  });

  it('a branch differs from its parent on purpose: only a divergence that stopped it (offline) counts', () => {
    const live = { ...divergence(1), policy: 'live' as const };
    expect(judge(input({ mode: 'branch', verdict: verdict({ identical: false, stdoutIdentical: false, divergence: live }) }))).toEqual({ kind: 'branched' });
    expect(judge(input({ mode: 'branch', verdict: verdict({ identical: false, stdoutIdentical: false }), exit: { code: 1, signal: null } }))).toEqual({ kind: 'branched' });
    expect(judge(input({ mode: 'branch', verdict: verdict({ identical: false, divergence: divergence(1) }), exit: { code: 86, signal: null } }))).toEqual({ kind: 'diverged', why: 'event' });
  });

  it('a jump that stopped at its step is "stopped"; one that ended before it diverged', () => {
    const t = tape({ untilSeq: 2 });
    expect(judge(input({ mode: 'jump', tape: t, exit: { code: 87, signal: null }, verdict: verdict({ state: { seq: 2, ok: true, paths: [] } }) }))).toEqual({ kind: 'stopped' });
    expect(judge(input({ mode: 'jump', tape: t, exit: { code: 0, signal: null } }))).toEqual({ kind: 'diverged', why: 'ended-early' });
  });

  it('a resume ignores divergences after its step (the run is live there)', () => {
    const t = tape({ untilSeq: 1, after: 'live' });
    expect(judge(input({ mode: 'resume', tape: t, verdict: verdict({ identical: false, divergence: divergence(3) }) }))).toEqual({ kind: 'resumed' });
    expect(judge(input({ mode: 'resume', tape: t, verdict: verdict({ identical: false, divergence: divergence(1) }) }))).toEqual({ kind: 'diverged', why: 'event' });
  });

  it('a crashed recording replays up to the crash: running on past its end is reaching the crash, not a divergence', () => {
    const t = tape({ recordedStatus: 'crashed' });
    expect(judge(input({ tape: t, verdict: verdict({ identical: false, divergence: divergence(4), replayedSteps: 5 }), exit: { code: 86, signal: null }, recordedExitCode: null }))).toEqual({ kind: 'verified', upToCrash: true });
    expect(judge(input({ tape: t, verdict: verdict({ identical: false, divergence: divergence(2) }), recordedExitCode: null }))).toEqual({ kind: 'diverged', why: 'event' });
  });

  it('without an SDK verdict, an agent that died is a failure with its exit', () => {
    expect(judge(input({ sdkVerdict: false, verdict: verdict({ identical: false, matched: 2 }), exit: { code: null, signal: 'SIGKILL' } }))).toMatchObject({ kind: 'failed', why: expect.stringMatching(/signal SIGKILL/) });
  });
});

describe('hostVerdict', () => {
  const lines = (sigs: string[], stdout: string): JournalLine[] => [
    { t: 'run', meta: {} as never },
    ...sigs.map((s, seq): JournalLine => {
      const [kind, fp] = s.split(':');
      if (kind === 'console') return { t: 'ev', seq, kind: 'console', ts: 0, payload: { stream: 'stdout', text: stdout } };
      return fp ? { t: 'ev', seq, kind: kind as never, ts: 0, payload: {}, fp } : { t: 'ev', seq, kind: kind as never, ts: 0, payload: {} };
    }),
  ];

  it('compares the replay journal with the signature and the stdout', () => {
    expect(hostVerdict(tape(), summarize(lines(['random', 'llm:fa', 'console', 'exit'], 'hi\n')))).toEqual(verdict());
    const other = hostVerdict(tape(), summarize(lines(['random', 'llm:fb', 'console', 'exit'], 'hi\n')));
    expect(other).toMatchObject({ identical: false, matched: 1, divergence: { seq: 1, reason: 'event-mismatch', expected: { signature: 'llm:fa' }, actual: { signature: 'llm:fb' } } });
    const short = hostVerdict(tape(), summarize(lines(['random'], '')));
    expect(short).toMatchObject({ identical: false, matched: 1, stdoutIdentical: false, divergence: { seq: 1, reason: 'tape-exhausted' } });
  });

  it('expands batches and keeps the SDK records', () => {
    const j = summarize([
      { t: 'batch', seq: 0, kind: 'random', source: 'Math.random', ts: 0, values: [1, 2] },
      { t: 'verify', result: { seq: 1, ok: true, paths: [] } },
    ]);
    expect(j.signature).toEqual(['random', 'random']);
    expect(hostVerdict(tape({ signature: ['random', 'random'], steps: 2, stdout: '', untilSeq: 1 }), j)).toMatchObject({ identical: true, matched: 2, state: { ok: true } });
  });
});

describe('verdict text', () => {
  it('one line per differing field, expected vs actual request', () => {
    const text = divergenceLines(
      {
        seq: 7,
        kind: 'llm',
        reason: 'unmatched-request',
        message: 'no recorded request matches',
        expected: { request: { method: 'POST', url: 'http://x/v1/chat/completions', headers: {} } },
        actual: { request: { method: 'POST', url: 'http://x/v1/chat/completions', headers: {} } },
        diff: [
          { path: 'body.messages.0.content', expected: 'hello world', actual: 'hello there' },
          { path: 'body.temperature', actual: 0.5 },
        ],
        policy: 'stop',
      },
      7,
    );
    expect(text).toEqual([
      'Replay diverged at step 7 (llm, unmatched-request): no recorded request matches',
      '  expected (recorded): POST http://x/v1/chat/completions',
      '  actual (replay):     POST http://x/v1/chat/completions',
      '  body.messages.0.content: expected "hello world", actual "hello there"',
      '  body.temperature: expected (absent), actual 0.5',
      '  7 events matched before it; stopped there (use --on-divergence live to continue live from it)',
    ]);
    expect(stateLines({ seq: 3, ok: true, paths: [] })).toEqual(['state at step 3 verified']);
    expect(stateLines({ seq: 3, ok: false, paths: ['memory.goal', 'memory.notes.1'] })).toEqual(['state at step 3 differs from the recording at 2 paths:', '  memory.goal', '  memory.notes.1']);
  });
});
