/**
 * State verification at the requested step: the tracked state of the replay (as recorded so far, i.e. what the
 * store would derive at this seq) is hashed as canonical JSON and compared with the recorded state's hash. On a
 * mismatch the differing paths (`memory.notes.2`, `plan.goal`) come from diffJson.
 */
import type { StateVerification, Tape } from '../../src/shared/trace/tape.js';
import type { Json } from '../../src/shared/trace/types.js';
import { canonicalJson } from '../../src/shared/trace/canonicalJson.js';
import { diffJson } from '../../src/shared/trace/stateDiff.js';
import { sha256 } from '../core/originals.js';
import { stateRuntime } from '../state/runtimeApi.js';

/** At most this many differing paths are reported (a replaced array would list every element otherwise). */
const MAX_PATHS = 50;

/** sha256 of the canonical JSON of a tracked-state map (the host computes tape.stateAtUntil.hash the same way). */
export function trackedStateHash(tracked: Record<string, Json>): string {
  return sha256(canonicalJson(tracked));
}

/** Compares the replay's tracked state now with the recorded one at `seq` (absent: the recording tracked nothing). */
export function verifyTrackedState(seq: number, recorded: Tape['stateAtUntil']): StateVerification {
  const actual = stateRuntime()?.trackedState() ?? {};
  const expected = recorded?.tracked ?? {};
  const expectedHash = recorded?.hash ?? trackedStateHash(expected);
  if (trackedStateHash(actual) === expectedHash) return { seq, ok: true, paths: [] };
  const paths = new Set<string>();
  for (const op of diffJson(expected, actual)) {
    if (paths.size >= MAX_PATHS) break;
    paths.add(op.path.length ? op.path.join('.') : '(all)');
  }
  // Same values but another hash: the recorded hash was computed over something else (a host/SDK mismatch).
  if (paths.size === 0) paths.add('(hash)');
  return { seq, ok: false, paths: [...paths] };
}
