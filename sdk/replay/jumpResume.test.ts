/**
 * Jump and resume in real child processes: an offline jump replays through step N, verifies the tracked state
 * there and stops with EXIT_STOPPED_AT_STEP; a resume verifies the same and then runs live (fresh values after N,
 * recorded into the branch run named by the tape).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_STOPPED_AT_STEP } from '../../src/shared/trace/tape.js';
import type { ConsolePayload, TraceEvent } from '../../src/shared/trace/types.js';
import { cleanupTempDirs } from '../determinism/spawnAgent.js';
import { record, replay, tapeOfJournal, trackedAt, type RecordedRun } from '../../test/helpers/replayHarness.js';

afterAll(() => cleanupTempDirs());

const AGENT = 'test/agents/replay-state.mjs';

/** Seq of the n-th stdout console event. */
function consoleSeq(events: TraceEvent[], n: number): number {
  return events.filter((e) => e.kind === 'console' && (e.payload as ConsolePayload).stream === 'stdout')[n].seq;
}

function valuesAt(events: TraceEvent[], pred: (seq: number) => boolean): unknown[] {
  return events.filter((e) => (e.kind === 'random' || e.kind === 'time') && pred(e.seq)).map((e) => (e.payload as { value: unknown }).value);
}

let recorded: RecordedRun | undefined;
async function recording(): Promise<RecordedRun> {
  recorded ??= await record(AGENT);
  expect(recorded.code).toBe(0);
  return recorded;
}

describe('offline jump', () => {
  it('replays through step N, verifies the state there and stops', async () => {
    const rec = await recording();
    const n = consoleSeq(rec.events, 2);
    const rep = await replay(AGENT, tapeOfJournal(rec.journal, { untilSeq: n, after: 'stop' }));
    expect(rep.stderr).toBe('');
    expect(rep.code).toBe(EXIT_STOPPED_AT_STEP);
    const lines = rec.stdout.toString('utf8').split('\n');
    expect(rep.stdout).toBe(lines.slice(0, 3).join('\n') + '\n');
    expect(rep.verify).toEqual({ seq: n, ok: true, paths: [] });
    expect(rep.verdict).toMatchObject({ identical: true, matched: n + 1, stdoutIdentical: true, state: { ok: true } });
    expect(rep.end?.status).toBe('ok');
    // Nothing of the replay after the step is a recorded value or line.
    expect(rep.events.filter((e) => e.seq > n && e.kind !== 'exit' && e.kind !== 'state')).toEqual([]);
  });

  it('stops between two values when N is a value step', async () => {
    const rec = await recording();
    const n = consoleSeq(rec.events, 2) - 2; // the UUID of round 2: the clock read after it must not happen
    const rep = await replay(AGENT, tapeOfJournal(rec.journal, { untilSeq: n, after: 'stop' }));
    expect(rep.code).toBe(EXIT_STOPPED_AT_STEP);
    expect(rep.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(rep.verify?.ok).toBe(true);
    expect(valuesAt(rep.events, () => true)).toEqual(valuesAt(rec.events, (s) => s <= n));
  });

  it('names the differing paths when the state at N differs from the recorded one', async () => {
    const rec = await recording();
    const n = consoleSeq(rec.events, 2);
    const tape = tapeOfJournal(rec.journal, { untilSeq: n, after: 'stop' });
    const tracked = trackedAt(rec.events, n) as { memory: { rolls: number[]; round: number } };
    tracked.memory.rolls[1] += 1;
    tracked.memory.round = 99;
    tape.stateAtUntil = { hash: 'not the hash of the replayed state', tracked };
    const rep = await replay(AGENT, tape);
    expect(rep.code).toBe(EXIT_STOPPED_AT_STEP);
    expect(rep.verify).toEqual({ seq: n, ok: false, paths: ['memory.rolls.1', 'memory.round'] });
    expect(rep.verdict?.identical).toBe(false);
  });
});

describe('resume', () => {
  it('serves recorded values through step N, then live ones, recorded into the branch run', async () => {
    const rec = await recording();
    const n = consoleSeq(rec.events, 2);
    const branch = { id: 'x__resume-' + n, parentId: 'x', forkSeq: n, name: `resume-${n}` };
    const rep = await replay(AGENT, tapeOfJournal(rec.journal, { untilSeq: n, after: 'live', branch }));
    expect(rep.stderr).toBe('');
    expect(rep.code).toBe(0);
    expect(valuesAt(rep.events, (s) => s <= n)).toEqual(valuesAt(rec.events, (s) => s <= n));
    const after = valuesAt(rep.events, (s) => s > n);
    const recordedAfter = valuesAt(rec.events, (s) => s > n);
    expect(after).toHaveLength(recordedAfter.length);
    // Fresh Math.random values (and clock reads) after the step.
    expect(after.filter((v, i) => v !== recordedAfter[i]).length).toBeGreaterThanOrEqual(3);
    const recLines = rec.stdout.toString('utf8').split('\n');
    const repLines = rep.stdout.split('\n');
    expect(repLines.slice(0, 3)).toEqual(recLines.slice(0, 3));
    expect(repLines[3]).toMatch(/^round 3 roll \d+ id [0-9a-f-]{36} at \d+$/);
    expect(repLines[3]).not.toBe(recLines[3]);
    expect(rep.verify).toEqual({ seq: n, ok: true, paths: [] });
    const run = rep.lines.find((l) => l.t === 'run');
    expect(run && run.t === 'run' ? run.meta : undefined).toMatchObject({ id: branch.id, mode: 'resume', parentId: 'x', forkSeq: n, name: branch.name });
    expect(rep.verdict).toMatchObject({ identical: true, state: { ok: true } });
    expect(rep.end?.status).toBe('ok');
  });
});

describe('keyframes', () => {
  it('a pure replay builds none (its journal is only read for the verdict); a resume records them into its branch', async () => {
    const rec = await recording();
    expect(rec.events.length).toBeGreaterThan(20);
    const keyframes = (lines: { t: string }[]): number => lines.filter((l) => l.t === 'kf').length;
    const full = tapeOfJournal(rec.journal);
    full.keyframeEvery = 2;
    const rep = await replay(AGENT, full);
    expect(rep.code).toBe(0);
    expect(rep.verdict).toMatchObject({ identical: true, stdoutIdentical: true });
    expect(keyframes(rep.lines)).toBe(0);

    const n = consoleSeq(rec.events, 2);
    const resume = tapeOfJournal(rec.journal, { untilSeq: n, after: 'live', branch: { id: `x__resume-${n}`, parentId: 'x', forkSeq: n, name: `resume-${n}` } });
    resume.keyframeEvery = 2;
    const res = await replay(AGENT, resume);
    expect(res.code).toBe(0);
    expect(keyframes(res.lines)).toBeGreaterThanOrEqual(3);
  });
});
