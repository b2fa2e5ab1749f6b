/**
 * Root cause, confirmed by counterfactual replay: for each suspect (the recorded event that may have produced the
 * bad value, most likely first; `--step N` puts N first), fork the run at that event with a corrected value and
 * replay it offline. The first fork that runs to a clean exit is the decisive step, "confirmed by replay"; when none
 * does within the replay budget, the most likely suspect is reported as "suspected" — never blurred with confirmed.
 */
import type { CounterfactualTry, Failure, RootCause, Suspect } from '../../shared/afe/types.js';
import type { Body, TraceEvent } from '../../shared/trace/types.js';
import { utf8Text } from '../api/blobText.js';
import { toAtrError } from '../errors.js';
import { runAfeBranch, type AfeReplayContext } from './afeReplay.js';
import { correctionFor, type CorrectionContext } from './corrections.js';

export interface RootCauseOptions {
  /** The step the user points at (`fix --step N`): tried first. */
  step?: number;
  /** Counterfactual replays at most (default 8). */
  maxReplays?: number;
  /** The script and its local imports (what the failing code expects of a corrected value). */
  files: { path: string; text: string }[];
  /** Called before each replay (progress). */
  onTry?: (suspect: Suspect, index: number, total: number) => void;
}

export interface RootCauseFinding {
  rootCause: RootCause;
  /**
   * The corrected LLM reply text that made the run clean, when the decisive step was an LLM call: validation uses it
   * as the synthesized answer to requests a patch changes (what the model would have to say for the run to work).
   */
  synthContent?: string;
}

export async function findRootCause(ctx: AfeReplayContext, failure: Failure, o: RootCauseOptions): Promise<RootCauseFinding> {
  const max = Math.max(0, o.maxReplays ?? 8);
  const suspects = orderSuspects(failure, o.step);
  const tries: CounterfactualTry[] = [];
  const contextFor = correctionContext(ctx, o.files);
  const planned = suspects
    .map((s) => ({ s, event: ctx.store.lineage(ctx.run).eventAt(s.seq) }))
    .map(({ s, event }) => ({ s, event, correction: event ? correctionFor(failure, event, contextFor(event)) : null }))
    .filter((p): p is { s: Suspect; event: TraceEvent; correction: NonNullable<ReturnType<typeof correctionFor>> } => Boolean(p.event && p.correction))
    .slice(0, max);
  for (const [i, p] of planned.entries()) {
    if (ctx.signal?.aborted) break;
    o.onTry?.(p.s, i, planned.length);
    const t: CounterfactualTry = { seq: p.s.seq, correction: p.correction.description, outcome: 'error' };
    try {
      const r = await runAfeBranch(ctx, { name: `rc-${p.s.seq}`, step: p.s.seq, edit: { seq: p.s.seq, payload: p.correction.payload } });
      t.branchId = r.branchId;
      t.outcome = r.clean ? 'clean' : 'failed';
      t.simulated = r.answered.synth;
      if (!r.clean) t.detail = r.failure ? `still fails: ${r.failure.summary}` : `exited with code ${r.exitCode}`;
    } catch (e) {
      t.detail = toAtrError(e).toLine();
    }
    tries.push(t);
    if (t.outcome === 'clean') {
      const content = (p.correction.payload as { content?: unknown } | null)?.content;
      return {
        rootCause: { status: 'confirmed', seq: p.s.seq, cause: confirmedCause(failure, p.s, p.event, p.correction.description), tries },
        ...(p.event.kind === 'llm' && typeof content === 'string' ? { synthContent: content } : {}),
      };
    }
  }
  const first = suspects[0];
  if (!first) return { rootCause: { status: 'unknown', cause: `${failure.summary} No recorded input could be tied to it.`, tries } };
  const why = tries.length === 0 ? 'no corrected value could be derived for a replay' : `${tries.length} counterfactual replay${tries.length === 1 ? '' : 's'} did not run clean`;
  return { rootCause: { status: 'suspected', seq: first.seq, cause: `Most likely step ${first.seq} (${first.reason}); not confirmed by replay: ${why}.`, tries } };
}

/** Suspects in the order they are tried; the user's step first (added as a suspect of its own when new). */
function orderSuspects(failure: Failure, step: number | undefined): Suspect[] {
  const list = [...failure.suspects];
  if (step === undefined) return list;
  const i = list.findIndex((s) => s.seq === step);
  const mine = i >= 0 ? list.splice(i, 1)[0] : { seq: step, kind: 'llm' as const, reason: 'the step you named' };
  return [mine, ...list];
}

/**
 * What a correction may draw on: this run's calls (the last good reply before the suspect), the same request in the
 * other recorded runs of the script, the user's files (what the failing code expects), and blob bodies.
 */
function correctionContext(ctx: AfeReplayContext, files: { path: string; text: string }[]): (event: TraceEvent) => CorrectionContext {
  const runEvents = ctx.store.lineage(ctx.run).events({ kinds: ['llm', 'http'] });
  const poolEvents = ctx.poolRunIds.flatMap((id) => {
    const r = ctx.store.findRun(id);
    return r ? ctx.store.lineage(r).events({ kinds: ['llm', 'http'] }).filter((e) => e.fingerprint) : [];
  });
  const bodyText = (b: Body): string | undefined => {
    if ('text' in b) return b.text;
    const bytes = ctx.store.getBlob(b.blob);
    return bytes ? utf8Text(bytes) : undefined;
  };
  return (event) => ({ runEvents, files, bodyText, otherEvents: event.fingerprint ? poolEvents.filter((e) => e.fingerprint === event.fingerprint) : [] });
}

function confirmedCause(failure: Failure, s: Suspect, event: TraceEvent, correction: string): string {
  return `Step ${s.seq} (${event.kind}) is decisive: ${s.reason}; replayed with ${correction}, the run exits cleanly (${failure.class}).`;
}
