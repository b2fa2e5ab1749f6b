/**
 * Benchmark: recorded Math.random against native Math.random, measured in the same process and run (goal: ratio
 * <= 3). A throwaway Recorder writes to a temporary journal; the patches are removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Recorder } from '../sdk/core/recorder.js';
import { installDeterminismPatches } from '../sdk/determinism/installDeterminism.js';
import { RecordingSource } from '../sdk/determinism/valueSource.js';
import { SecretSet } from '../src/shared/trace/redact.js';
import { benchMeta, median, timeLoop, touchSources } from './valueBench.js';

const CALLS = 2_000_000;
const ROUNDS = 5;

export async function benchRandom(): Promise<{ nativeNsPerCall: number; recordedNsPerCall: number; ratio: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-bench-'));
  const meta = benchMeta('record');
  const native = Math.random;
  const nativeCall = (): number => native();
  const rec = new Recorder({ journalPath: path.join(dir, 'journal.ndjson'), meta, secrets: new SecretSet() });
  const restore = installDeterminismPatches(new RecordingSource(rec), (where, e) => {
    throw new Error(`${where}: ${String(e)}`);
  });
  const recorded = Math.random;
  const recordedCall = (): number => recorded();
  const nativeRuns: number[] = [];
  const recordedRuns: number[] = [];
  try {
    touchSources(10_000);
    // Warm both paths up, then interleave rounds so machine noise hits both alike.
    timeLoop(nativeCall, CALLS);
    timeLoop(recordedCall, CALLS);
    for (let r = 0; r < ROUNDS; r++) {
      nativeRuns.push(timeLoop(nativeCall, CALLS));
      recordedRuns.push(timeLoop(recordedCall, CALLS));
      // Let the recorder's flush timer run between rounds, as it would in a real agent.
      await new Promise((res) => setTimeout(res, 60));
    }
  } finally {
    restore();
    rec.end('ok', { code: 0 });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const nativeNsPerCall = median(nativeRuns);
  const recordedNsPerCall = median(recordedRuns);
  return { nativeNsPerCall, recordedNsPerCall, ratio: recordedNsPerCall / nativeNsPerCall };
}

// Run directly: `node --import tsx bench/determinism.ts`.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const r = await benchRandom();
  console.log(`Math.random native ${r.nativeNsPerCall.toFixed(1)} ns, recorded ${r.recordedNsPerCall.toFixed(1)} ns, ratio ${r.ratio.toFixed(2)}x (goal <= 3x)`);
}
