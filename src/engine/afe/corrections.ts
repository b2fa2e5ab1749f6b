/** Placeholder until corrections land. */
import type { Failure } from '../../shared/afe/types.js';
import type { TraceEvent } from '../../shared/trace/types.js';

export function correctionFor(_failure: Failure, _event: TraceEvent, _ctx: unknown): { payload: unknown; description: string } | null {
  return null;
}
