import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JournalLine } from '../../shared/trace/journal.js';
import type { Keyframe, TraceEvent } from '../../shared/trace/types.js';
import { AtrError } from '../errors.js';
import type { TraceStore } from '../store/store.js';
import { f64, journal, meta } from '../store/testJournal.js';
import { testStores } from '../../../test/helpers/testStores.js';
import { resumeBranchId, stateHash, tapeFromStore, writeTapeFile } from './tapeFromStore.js';

const { open: store } = testStores('atr-tape-');

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const binary = Buffer.from([0, 255, 1, 254, 2, 253]);

const llm = (seq: number, ts: number, fp: string, durationMs: number, text: string): JournalLine => ({
  t: 'ev',
  seq,
  kind: 'llm',
  ts,
  fp,
  payload: { layer: 'fetch', provider: 'openai', stream: false, request: { method: 'POST', url: 'http://x/v1/chat/completions', headers: {}, body: { text: `{"q":"${fp}"}` } }, response: { status: 200, headers: {}, body: { text } }, durationMs },
});
const kf = (seq: number, tracked: Keyframe['tracked']): JournalLine => ({ t: 'kf', keyframe: { seq, tracked, globals: {}, frames: [], stack: [], files: {}, cursors: {} } });
const state = (seq: number, name: string, ops: unknown[]): JournalLine => ({ t: 'ev', seq, kind: 'state', ts: 100 + seq, payload: { name, ops } as never });

/** A run: 3 batched randoms, two calls with the same fingerprint (the second finishes first), a blob response,
 * console output, tracked-state deltas and a keyframe. 12 steps. */
function recordedRun(s: TraceStore, id = 'run-1'): void {
  s.ingestor(id).ingestText(
    journal(
      { t: 'run', meta: meta(id) },
      { t: 'batch', seq: 0, kind: 'random', source: 'Math.random', ts: 1, values: [], f64: f64([0.25, 0.5, 0.75]) },
      llm(3, 10, 'fa', 50, 'slow reply'),
      llm(4, 11, 'fa', 5, 'fast reply'),
      { t: 'blob', hash: sha(binary), b64: binary.toString('base64') },
      { t: 'ev', seq: 5, kind: 'http', ts: 12, fp: 'fb', payload: { layer: 'http', request: { method: 'GET', url: 'http://x/img', headers: {} }, response: { status: 200, headers: {}, body: { blob: sha(binary), size: 6, encoding: 'binary' } }, durationMs: 20 } },
      { t: 'ev', seq: 6, kind: 'console', ts: 70, payload: { stream: 'stdout', text: 'hello\n' } },
      state(7, 'memory', [{ op: 'set', path: [], value: { goal: 'x', notes: [] } }]),
      kf(7, { memory: { goal: 'x', notes: [] } }),
      state(8, 'memory', [{ op: 'set', path: ['notes', 0], value: 'n0' }]),
      state(9, 'memory', [{ op: 'set', path: ['goal'], value: 'y' }]),
      { t: 'ev', seq: 10, kind: 'console', ts: 80, payload: { stream: 'stdout', text: 'bye\n' } },
      { t: 'ev', seq: 11, kind: 'exit', ts: 81, payload: { code: 0 } },
      { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 90, steps: 12 },
    ),
  );
}

describe('tapeFromStore', () => {
  it('expands batches, counts occurrences per fingerprint, ranks arrival by completion and resolves blobs', () => {
    const s = store();
    recordedRun(s);
    const tape = tapeFromStore(s, 'run-1');
    expect(tape).toMatchObject({ runId: 'run-1', steps: 12, recordedStatus: 'ok', recordedExit: { code: 0 }, after: 'stop', onDivergence: 'stop', pace: 'instant' });
    expect(tape.values['Math.random']).toEqual([
      { seq: 0, value: 0.25 },
      { seq: 1, value: 0.5 },
      { seq: 2, value: 0.75 },
    ]);
    // seq 3 issued at 10 done at 60; seq 4 issued at 11 done at 16; seq 5 issued at 12 done at 32.
    expect(tape.calls.map((c) => [c.seq, c.fingerprint, c.occurrence, c.arrival])).toEqual([
      [3, 'fa', 0, 2],
      [4, 'fa', 1, 0],
      [5, 'fb', 0, 1],
    ]);
    expect(Buffer.from(tape.calls[2].response!.bodyB64!, 'base64')).toEqual(binary);
    expect(Buffer.from(tape.calls[0].response!.bodyB64!, 'base64').toString()).toBe('slow reply');
    expect(tape.signature).toEqual(['random', 'random', 'random', 'llm:fa', 'llm:fa', 'http:fb', 'console', 'state', 'state', 'state', 'console', 'exit']);
    expect(tape.stdout).toBe('hello\nbye\n');
    expect(tape.untilSeq).toBeUndefined();
    expect(tape.stateAtUntil).toBeUndefined();
  });

  it('for a step: untilSeq, after, and the recorded state there with the SDK-compatible hash', () => {
    const s = store();
    recordedRun(s);
    const tape = tapeFromStore(s, 'run-1', { step: 9, after: 'live', onDivergence: 'live', pace: 'recorded' });
    expect(tape).toMatchObject({ untilSeq: 9, after: 'live', onDivergence: 'live', pace: 'recorded' });
    expect(tape.stateAtUntil!.tracked).toEqual({ memory: { goal: 'y', notes: ['n0'] } });
    // sha256 hex of canonical JSON (keys sorted), written out by hand so a change of hashing fails here.
    expect(tape.stateAtUntil!.hash).toBe(sha('{"memory":{"goal":"y","notes":["n0"]}}'));
    expect(stateHash({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } })).toBe(sha('{"a":{"c":3,"d":[2,{"y":2,"z":1}]},"b":1}'));
    expect(tapeFromStore(s, 'run-1', { step: 6 }).stateAtUntil!.tracked).toEqual({});
    expect(tapeFromStore(s, 'run-1', { step: 6 }).after).toBe('stop');
  });

  it('rejects a step beyond the end with the run\'s step count', () => {
    const s = store();
    recordedRun(s);
    let err: unknown;
    try {
      tapeFromStore(s, 'run-1', { step: 12 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AtrError);
    expect((err as AtrError).code).toBe('ATR_NOT_FOUND');
    expect((err as AtrError).toLine()).toMatch(/step 12 is beyond the end of run run-1: it has 12 steps .*0\.\.11/);
  });

  it('writes the tape as JSON into a private temp folder', () => {
    const s = store();
    recordedRun(s);
    const file = writeTapeFile(tapeFromStore(s, 'run-1'));
    try {
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ runId: 'run-1', steps: 12 });
      expect(fs.statSync(file.replace(/\/tape\.json$/, '')).mode & 0o077).toBe(0);
    } finally {
      fs.rmSync(file.replace(/\/tape\.json$/, ''), { recursive: true, force: true });
    }
  });
});

describe('branch runs (resume)', () => {
  /** What a resumed SDK writes: the whole replay from seq 0 (same events as the parent up to the fork), then more. */
  function resumeJournal(branchId: string): string {
    return journal(
      { t: 'run', meta: meta(branchId, { parentId: 'run-1', forkSeq: 8, mode: 'resume' }) },
      { t: 'batch', seq: 0, kind: 'random', source: 'Math.random', ts: 1, values: [], f64: f64([0.25, 0.5, 0.75]) },
      llm(3, 10, 'fa', 1, 'slow reply'),
      { t: 'patch', seq: 3, payload: { durationMs: 2 } },
      llm(4, 11, 'fa', 1, 'fast reply'),
      state(7, 'memory', [{ op: 'set', path: [], value: { goal: 'x', notes: [] } }]),
      kf(7, { memory: { goal: 'x', notes: [] } }),
      state(8, 'memory', [{ op: 'set', path: ['notes', 0], value: 'n0' }]),
      { t: 'verify', result: { seq: 8, ok: true, paths: [] } },
      { t: 'batch', seq: 9, kind: 'random', source: 'Math.random', ts: 2, values: [0.9, 0.8] },
      state(11, 'memory', [{ op: 'set', path: ['goal'], value: 'live' }]),
      { t: 'ev', seq: 12, kind: 'exit', ts: 99, payload: { code: 0 } },
      { t: 'verdict', verdict: { identical: true, matched: 9, recordedSteps: 12, replayedSteps: 13, stdoutIdentical: true, state: { seq: 8, ok: true, paths: [] } } },
      { t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 100, steps: 13 },
    );
  }

  it('stores only the events after the fork, a fork keyframe, and reads the prefix from the parent', () => {
    const s = store();
    recordedRun(s);
    const id = resumeBranchId('run-1', 8);
    expect(id).toBe('run-1__resume-8');
    const ing = s.ingestor(id);
    const res = ing.ingestText(resumeJournal(id));
    expect(res.bad).toBe(0);
    expect(ing.verification).toEqual({ seq: 8, ok: true, paths: [] });
    expect(ing.verdict?.identical).toBe(true);

    const branch = s.getRun(id);
    expect(branch).toMatchObject({ parentId: 'run-1', forkSeq: 8, steps: 13, status: 'ok', warnings: [] });
    expect(s.getEvents(id).map((e) => [e.seq, e.kind])).toEqual([
      [9, 'random'],
      [10, 'random'],
      [11, 'state'],
      [12, 'exit'],
    ]);
    expect(s.keyframeSeqs(id)).toEqual([8]);
    expect(s.getKeyframe(id, 8)).toMatchObject({ seq: 8, label: 'fork', tracked: s.stateAt('run-1', 8).tracked });
    expect(s.stateAt(id, 11).tracked).toEqual({ memory: { goal: 'live', notes: ['n0'] } });

    const all = s.lineage(branch).events();
    expect(all.map((e: TraceEvent) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(all.slice(0, 9)).toEqual(s.getEvents('run-1', { to: 8 }));
    const tape = tapeFromStore(s, id, { step: 10 });
    expect(tape.values['Math.random'].map((v) => v.value)).toEqual([0.25, 0.5, 0.75, 0.9, 0.8]);
    expect(tape.stateAtUntil!.tracked).toEqual({ memory: { goal: 'x', notes: ['n0'] } });
    expect(tapeFromStore(s, id, { step: 5 }).stateAtUntil!.tracked).toEqual({});
  });

  it('trims a batch that straddles the fork and keeps the fork from the stored run when re-ingesting mid-way', () => {
    const s = store();
    recordedRun(s);
    const id = 'run-1__resume-1';
    const lines = journal(
      { t: 'run', meta: meta(id, { parentId: 'run-1', forkSeq: 1, mode: 'resume' }) },
      { t: 'batch', seq: 0, kind: 'random', source: 'Math.random', ts: 1, values: [], f64: f64([0.25, 0.5, 0.1, 0.2]) },
    );
    s.ingestor(id).ingestText(lines);
    expect(s.getEvents(id).map((e) => [e.seq, (e.payload as { value: number }).value])).toEqual([
      [2, 0.1],
      [3, 0.2],
    ]);
    // Recovery after a host crash resumes mid-journal without the run line: the fork comes from the stored run,
    // so the same batch read again is trimmed the same way (not stored from seq 0).
    s.ingestor(id).ingestText(journal({ t: 'batch', seq: 0, kind: 'random', source: 'Math.random', ts: 1, values: [0.25, 0.5, 0.1, 0.2] }));
    expect(s.getEvents(id).map((e) => [e.seq, (e.payload as { value: number }).value])).toEqual([
      [2, 0.1],
      [3, 0.2],
    ]);
  });

  it('an edit branch going live at its first changed request is not a warning (policy live or fallback)', () => {
    const s = store();
    recordedRun(s);
    for (const policy of ['live', 'fallback'] as const) {
      const id = `run-1__edit-${policy}`;
      const ing = s.ingestor(id);
      ing.ingestText(
        journal(
          { t: 'run', meta: meta(id, { parentId: 'run-1', forkSeq: 3, mode: 'branch' }) },
          { t: 'diverge', report: { seq: 5, kind: 'llm', reason: 'unmatched-request', message: 'request at step 5 matches no recorded call', policy } },
        ),
      );
      // The host still learns where the branch left the recording.
      expect(ing.divergence).toMatchObject({ seq: 5, policy });
      expect(s.getRun(id).warnings).toEqual([]);
    }
  });

  it('a divergence is kept on the ingestor and noted on the run; deleteRun replaces a branch but never a parent', () => {
    const s = store();
    recordedRun(s);
    const id = 'run-1__resume-3';
    const ing = s.ingestor(id);
    ing.ingestText(
      journal(
        { t: 'run', meta: meta(id, { parentId: 'run-1', forkSeq: 3, mode: 'resume' }) },
        { t: 'diverge', report: { seq: 3, kind: 'llm', reason: 'unmatched-request', message: 'no recorded request matches', policy: 'stop', diff: [{ path: 'body.q', expected: 'fa', actual: 'zz' }] } },
      ),
    );
    expect(ing.divergence).toMatchObject({ seq: 3, reason: 'unmatched-request' });
    expect(s.getRun(id).warnings).toEqual(['replay diverged at step 3 (llm): no recorded request matches']);
    expect(() => s.deleteRun('run-1')).toThrow(/has 1 branch \(run-1__resume-3\)/);
    s.deleteRun(id);
    expect(s.findRun(id)).toBeUndefined();
    expect(s.getEvents(id)).toEqual([]);
    expect(s.getRun('run-1').steps).toBe(12);
  });
});
