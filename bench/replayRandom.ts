/**
 * Benchmark: replayed Math.random against native Math.random, in the same process and run (goal: ratio <= 3).
 * A sequence of values is first recorded with the RecordingSource (other sources touched too, as an agent would),
 * turned into a tape, and then the same sequence is replayed with the TapeSource: every replayed call returns the
 * recorded value, checks its step and records it again. Native rounds are interleaved with replayed ones.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Recorder } from '../sdk/core/recorder.js';
import { installDeterminismPatches } from '../sdk/determinism/installDeterminism.js';
import { RecordingSource } from '../sdk/determinism/valueSource.js';
import { TapeSource } from '../sdk/determinism/tapeSource.js';
import { ReplayController } from '../sdk/replay/controller.js';
import { parseJournal } from '../src/shared/trace/journal.js';
import { SecretSet } from '../src/shared/trace/redact.js';
import { TAPE_FORMAT_VERSION, type Tape, type TapeValue } from '../src/shared/trace/tape.js';
import { benchMeta, median, timeLoop, touchSources } from './valueBench.js';

const CALLS = 400_000;
const ROUNDS = 5;
/** The tape of a journal of batched values (what buildTape makes of it, without the event objects). */
function tapeOf(journal: string): Tape {
  const values: Record<string, TapeValue[]> = {};
  const signature: string[] = [];
  let steps = 0;
  for (const line of parseJournal(fs.readFileSync(journal, 'utf8'))) {
    if (line.t !== 'batch') continue;
    const list = (values[line.source] ??= []);
    line.values.forEach((value, i) => {
      list.push({ seq: line.seq + i, value });
      signature[line.seq + i] = line.kind;
    });
    steps = Math.max(steps, line.seq + line.values.length);
  }
  return { formatVersion: TAPE_FORMAT_VERSION, runId: 'bench', steps, recordedStatus: 'ok', after: 'stop', onDivergence: 'stop', pace: 'instant', calls: [], values, signature, stdout: '' };
}

export async function benchReplayRandom(): Promise<{ nativeNsPerCall: number; replayedNsPerCall: number; ratio: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-bench-replay-'));
  const native = Math.random;
  const nativeCall = (): number => native();
  const nativeRuns: number[] = [];
  const replayedRuns: number[] = [];
  try {
    // 1. Record the sequence.
    const recJournal = path.join(dir, 'record.ndjson');
    const rec = new Recorder({ journalPath: recJournal, meta: benchMeta('record'), secrets: new SecretSet() });
    const unrecord = installDeterminismPatches(new RecordingSource(rec), (where, e) => {
      throw new Error(`${where}: ${String(e)}`);
    });
    try {
      touchSources(2_000);
      for (let r = 0; r <= ROUNDS; r++) for (let i = 0; i < CALLS; i++) Math.random();
    } finally {
      unrecord();
      rec.end('ok', { code: 0 });
    }

    // 2. Replay it: a divergence would make this bench meaningless, so it throws.
    const tape = tapeOf(recJournal);
    const replayRec = new Recorder({ journalPath: path.join(dir, 'replay.ndjson'), meta: benchMeta('replay'), secrets: new SecretSet() });
    const ctl = new ReplayController(tape, replayRec, {
      printVerdict: false,
      exit: (code) => {
        throw new Error(`the replay bench diverged (exit ${code}): ${JSON.stringify(ctl.firstDivergence)}`);
      },
    });
    const unreplay = installDeterminismPatches(new TapeSource(ctl), (where, e) => {
      throw new Error(`${where}: ${String(e)}`);
    });
    const replayed = Math.random;
    const replayedCall = (): number => replayed();
    try {
      touchSources(2_000);
      // Warm both paths (the first replayed block), then interleave rounds so machine noise hits both alike.
      timeLoop(nativeCall, CALLS);
      timeLoop(replayedCall, CALLS);
      for (let r = 0; r < ROUNDS; r++) {
        nativeRuns.push(timeLoop(nativeCall, CALLS));
        replayedRuns.push(timeLoop(replayedCall, CALLS));
        await new Promise((res) => setTimeout(res, 60));
      }
      if (ctl.firstDivergence) throw new Error(`the replay bench diverged: ${JSON.stringify(ctl.firstDivergence)}`);
    } finally {
      unreplay();
      process.exitCode = undefined;
      replayRec.end('ok', { code: 0 });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const nativeNsPerCall = median(nativeRuns);
  const replayedNsPerCall = median(replayedRuns);
  return { nativeNsPerCall, replayedNsPerCall, ratio: replayedNsPerCall / nativeNsPerCall };
}

// Run directly: `node --import tsx bench/replayRandom.ts`.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const r = await benchReplayRandom();
  console.log(`Math.random native ${r.nativeNsPerCall.toFixed(1)} ns, replayed ${r.replayedNsPerCall.toFixed(1)} ns, ratio ${r.ratio.toFixed(2)}x (goal <= 3x)`);
}
