/**
 * Determinism capture: every source of nondeterminism the agent can read (randomness and clocks) goes through a
 * ValueSource. Recording wires the RecordingSource; replay installs the same patch points over a TapeSource. register.ts calls syncBuiltinESMExports() afterwards so named ESM imports
 * (`import { randomUUID } from 'node:crypto'`) see the patched functions.
 */
import type { Recorder } from '../core/recorder.js';
import { Patcher } from './patcher.js';
import { patchRandom } from './patchRandom.js';
import { patchTime } from './patchTime.js';
import { RecordingSource, type ValueSource } from './valueSource.js';

/**
 * Installs every determinism patch over `src` and returns the undo function. Each group installs on its own, so a
 * failure in one (reported through onFault) leaves the others working.
 */
export function installDeterminismPatches(src: ValueSource, onFault: (where: string, e: unknown) => void): () => void {
  const p = new Patcher();
  const groups: [string, (p: Patcher, src: ValueSource) => void][] = [
    ['random capture', patchRandom],
    ['clock capture', patchTime],
  ];
  for (const [name, install] of groups) {
    try {
      install(p, src);
    } catch (e) {
      onFault(name, e);
    }
  }
  return () => p.restore();
}

/**
 * Record mode (default source): live values, each appended to the journal. Replay passes a TapeSource
 * (tapeSource.ts), which serves the recorded values and records them again.
 */
export function installDeterminism(rec: Recorder, src: ValueSource = new RecordingSource(rec)): void {
  installDeterminismPatches(src, (where, e) => rec.fault(where, e));
}
