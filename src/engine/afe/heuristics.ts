/** Placeholder until heuristics land. */
import type { Failure, FixStrategy } from '../../shared/afe/types.js';
import type { TraceEvent } from '../../shared/trace/types.js';

export type HeuristicResult =
  | { strategy: FixStrategy; title: string; rationale: string; files: { path: string; before: string; after: string }[]; specificity: number; safety: number }
  | { needsYou: string; title: string; strategy: FixStrategy };

export function heuristicCandidates(_input: { failure: Failure; files: { path: string; text: string }[]; rootSeq?: number; event?: TraceEvent }): HeuristicResult[] {
  return [];
}
