/**
 * Validation: every candidate proven in the sandbox, never on the user's files. The patched files are served from
 * the replay's virtual fs as branch `<run>__fix-N` (from step 0: the patch may change the run from its start);
 * then, for a candidate that fixed the run, the patched script replays the other successful recordings of the same
 * script (up to 5): one that now fails makes the candidate "regressed".
 */
import type { FixCandidate, Verdict } from '../../shared/afe/types.js';
import { toAtrError } from '../errors.js';
import { replayWithPatch, runAfeBranch, type AfeReplayContext } from './afeReplay.js';
import { runsOfScript } from '../store/fixStore.js';

const MAX_REGRESSION_RUNS = 5;

export interface Validation {
  verdict: Verdict;
  verdictDetail: string;
  branchId?: string;
  answered?: FixCandidate['answered'];
  regression?: FixCandidate['regression'];
}

export async function validateCandidate(ctx: AfeReplayContext, c: FixCandidate, synthContent?: string): Promise<Validation> {
  if (c.verdict === 'needs_you') return { verdict: 'needs_you', verdictDetail: c.verdictDetail };
  const patchedFiles = Object.fromEntries(c.files.map((f) => [f.path, f.after]));
  let v: Validation;
  try {
    const r = await runAfeBranch(ctx, { name: `fix-${c.n}`, step: 0, patchedFiles, synthContent });
    const sim = r.answered.synth;
    const answeredNote = describeAnswered(r.answered);
    if (r.clean) {
      v = {
        verdict: sim > 0 ? 'fixed_simulated' : 'fixed',
        verdictDetail: `the patched agent ran to a clean exit in the sandbox${answeredNote}`,
        branchId: r.branchId,
        answered: r.answered,
      };
    } else {
      const why = r.failure ? `it still fails: ${r.failure.class} — ${r.failure.summary}` : `it exited with code ${r.exitCode}`;
      return { verdict: 'not_fixed', verdictDetail: `${why}${answeredNote}`, branchId: r.branchId, answered: r.answered };
    }
  } catch (e) {
    return { verdict: 'error', verdictDetail: `validation could not run: ${toAtrError(e).toLine()}` };
  }
  const others = runsOfScript(ctx.store, ctx.run.scriptPath, 50)
    .filter((r) => r.status === 'ok' && r.id !== ctx.run.id)
    .slice(0, MAX_REGRESSION_RUNS);
  const regression: NonNullable<FixCandidate['regression']> = [];
  for (const o of others) {
    if (ctx.signal?.aborted) break;
    try {
      const r = await replayWithPatch(ctx, o.id, patchedFiles);
      regression.push({ runId: o.id, ...r });
    } catch (e) {
      regression.push({ runId: o.id, ok: false, detail: toAtrError(e).toLine() });
    }
  }
  v.regression = regression;
  const broken = regression.filter((r) => !r.ok);
  if (broken.length > 0) {
    return { ...v, verdict: 'regressed', verdictDetail: `fixed this run, but ${broken.length} of ${regression.length} earlier successful run${regression.length === 1 ? '' : 's'} now fail${broken.length === 1 ? 's' : ''} (${broken[0].runId}: ${broken[0].detail})` };
  }
  if (regression.length > 0) v.verdictDetail += `; ${regression.length} earlier successful run${regression.length === 1 ? '' : 's'} still pass`;
  return v;
}

function describeAnswered(a: { pool: number; synth: number; live: number }): string {
  const parts: string[] = [];
  if (a.pool) parts.push(`${a.pool} answered from other recordings`);
  if (a.synth) parts.push(`${a.synth} synthesized`);
  if (a.live) parts.push(`${a.live} live`);
  return parts.length ? ` (requests not in the recording: ${parts.join(', ')})` : '';
}
