/** Placeholder until detection lands: no failure is detected. */
import type { Failure } from '../../shared/afe/types.js';
import type { TraceStore } from '../store/store.js';

export function detectRun(_store: TraceStore, _runId: string): Failure | null {
  return null;
}
