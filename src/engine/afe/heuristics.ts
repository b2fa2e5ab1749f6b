/**
 * Heuristic fix candidates (the `--no-ai` path): per failure class, real source-level patches of the user's files
 * (the script and its local imports) written in their own style, or the exact step to take when only the developer
 * can fix it. Pure: the files' text comes in, full before/after texts go out; every patched text is checked to parse.
 * Running the rules on an already-patched file proposes nothing new (each rule recognises its own fix).
 */
import type { FailureClass } from '../../shared/afe/types.js';
import { makeCtx, type Ctx, type HeuristicCandidate, type HeuristicInput } from './heuristicKit.js';
import { auth, contextOverflow, modelNotFound, network, quota, rateLimit, serverError, timeout } from './heuristicsClient.js';
import { badJson, codeBug, missingContext, schemaMismatch } from './heuristicsData.js';
import { loop, toolError } from './heuristicsFlow.js';

export type { HeuristicCandidate, HeuristicInput, HeuristicNeedsYou, HeuristicPatch } from './heuristicKit.js';

/** The rules of each class, most specific candidate first. */
const RULES: Record<FailureClass, ((ctx: Ctx) => HeuristicCandidate[]) | undefined> = {
  rate_limit: rateLimit,
  server_error: serverError,
  timeout,
  network,
  model_not_found: modelNotFound,
  auth,
  quota,
  context_overflow: contextOverflow,
  bad_json: badJson,
  schema_mismatch: schemaMismatch,
  missing_context: missingContext,
  tool_error: toolError,
  loop,
  code_bug: codeBug,
  unknown: undefined,
};

/** Candidates for a failure; [] when no rule applies (unknown class, or the code is not where the rules look). */
export function heuristicCandidates(input: HeuristicInput): HeuristicCandidate[] {
  const rule = RULES[input.failure.class];
  if (!rule) return [];
  return rule(makeCtx(input));
}

/** Whether a candidate is a patch (vs. a "needs you" step). */
export function isPatch(c: HeuristicCandidate): c is Extract<HeuristicCandidate, { files: unknown }> {
  return 'files' in c;
}
