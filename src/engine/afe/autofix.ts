/**
 * The AutoFix Engine pipeline (DESIGN §1b): detect → root cause (counterfactual replays) → candidates (heuristics,
 * plus Groq when enabled) → validate each in the sandbox → rank. Each stage reports progress and the report is
 * saved after each one, so the workbench can show a fix while it runs and a killed process leaves a readable report.
 * Nothing here writes the user's files: that is apply.ts, on request.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FixCandidate, FixProgress, FixReport, FixStage, Verdict } from '../../shared/afe/types.js';
import { unifiedDiff } from '../../shared/afe/unifiedDiff.js';
import { defaultConcurrency, runPool } from '../branches/runPool.js';
import { BadArgsError, toAtrError } from '../errors.js';
import { patternSuccess, saveFix } from '../store/fixStore.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';
import { afeReplayContext } from './afeReplay.js';
import { detectRun } from './detectRun.js';
import { aiSuggest } from './groq.js';
import { heuristicCandidates } from './heuristics.js';
import { changedLines, rank, score } from './rank.js';
import { findRootCause } from './rootCause.js';
import { collectSourceFiles, type SourceFile } from './sourceFiles.js';
import { validateCandidate } from './validate.js';

export interface FixOptions {
  store: TraceStore;
  /** The run (id, unique prefix) — a branch too. */
  runId: string;
  /** The step the user believes is decisive: tried first. */
  step?: number;
  /** Use Groq (default: when a key is available). */
  ai?: { enabled: boolean; apiKey?: string; model?: string; baseURL?: string };
  /** Let requests the recordings cannot answer go to the network during validation. */
  live?: boolean;
  /** Counterfactual replays for the root cause at most (default 8). */
  maxReplays?: number;
  env: NodeJS.ProcessEnv;
  cwd: string;
  node?: string;
  signal?: AbortSignal;
  /** A pre-assigned id (the workbench returns it before the work starts). */
  fixId?: string;
  onProgress?: (p: FixProgress) => void;
}

/** The run a fix can start on: it exists and has ended (a clear error otherwise, before any work starts). */
export function fixableRun(store: TraceStore, ref: string): StoredRun {
  const run = store.getRun(store.resolveRunId(ref));
  if (run.status === 'running') throw new BadArgsError(`run ${run.id} is still running`, 'wait for it to finish, then fix it');
  if (run.status === 'pending') throw new BadArgsError(`branch ${run.id} has not run yet`, `run it first: agenttrace branch run ${run.id}`);
  return run;
}

/** A new fix id: `fix-` + 10 hex characters. */
export function newFixId(runId: string): string {
  return `fix-${createHash('sha256').update(runId).update(randomBytes(16)).digest('hex').slice(0, 10)}`;
}

export async function runFix(o: FixOptions): Promise<FixReport> {
  const { store } = o;
  const run = fixableRun(store, o.runId);
  const report: FixReport = { id: o.fixId ?? newFixId(run.id), runId: run.id, createdAt: Date.now(), status: 'running', candidates: [], ai: { used: false }, replays: 0 };
  const progress = (stage: FixStage, message: string, done?: number, total?: number): void => {
    o.onProgress?.({ fixId: report.id, runId: run.id, stage, message, ...(done !== undefined ? { done, total } : {}) });
  };
  const save = (): void => saveFix(store, report);
  try {
    progress('detect', 'detecting the failure');
    const failure = detectRun(store, run.id);
    if (!failure) {
      report.status = 'no_failure';
      report.finishedAt = Date.now();
      // Saved too: the workbench opens the report by id and must be able to say "did not fail".
      save();
      progress('done', `run ${run.id} did not fail: nothing to fix`);
      return report;
    }
    report.failure = failure;
    save();

    const ctx = afeReplayContext(store, run, o);
    progress('rootCause', `looking for the decisive step among ${failure.suspects.length} suspect${failure.suspects.length === 1 ? '' : 's'}`);
    // Read once: corrections and candidates both work from the user's files as they are now.
    const files = collectSourceFiles(run.scriptPath, run.cwd);
    const finding = await findRootCause(ctx, failure, {
      files: files.map((f) => ({ path: f.path, text: f.text })),
      step: o.step,
      maxReplays: o.maxReplays,
      onTry: (s, i, n) => progress('rootCause', `replaying a fork at step ${s.seq} with a corrected value (${i + 1}/${n})`, i, n),
    });
    report.rootCause = finding.rootCause;
    report.replays += report.rootCause.tries.length;
    checkAborted(o.signal);
    save();

    progress('candidates', 'generating fix candidates');
    report.candidates = await generate(o, run, report, files);
    save();

    const total = report.candidates.length;
    let done = 0;
    progress('validate', `validating ${total} candidate${total === 1 ? '' : 's'}`, 0, total);
    const synthContent = finding.synthContent;
    await runPool(
      report.candidates,
      async (c) => {
        const v = await validateCandidate(ctx, c, synthContent);
        Object.assign(c, v);
        report.replays += v.branchId ? 1 + (v.regression?.length ?? 0) : 0;
      },
      { concurrency: Math.min(2, defaultConcurrency()), signal: o.signal, onSettled: (r) => progress('validate', `validated ${++done}/${total}: ${r.item.title}`, done, total) },
    );
    checkAborted(o.signal);

    progress('rank', 'ranking');
    const rootStatus = report.rootCause.status;
    const history = patternSuccess(store, failure.class);
    for (const c of report.candidates) {
      c.score = score({ verdict: c.verdict, strategy: c.strategy, source: c.source, changedLines: changedLines(c), rootCause: rootStatus, history: history(c.strategy), safety: hints.get(c)?.safety, specificity: hints.get(c)?.specificity });
    }
    report.candidates = rank(report.candidates);
    report.status = 'done';
    report.finishedAt = Date.now();
    save();
    progress('done', summaryLine(report));
    return report;
  } catch (e) {
    report.status = o.signal?.aborted ? 'cancelled' : 'error';
    report.error = o.signal?.aborted ? 'cancelled' : toAtrError(e).toLine();
    report.finishedAt = Date.now();
    save();
    progress('done', report.status === 'cancelled' ? 'cancelled' : `error: ${report.error}`);
    if (report.status === 'cancelled') return report;
    throw e;
  }
}

/** Generator hints kept beside a candidate for the ranking (not part of the stored model). */
const hints = new WeakMap<FixCandidate, { safety?: number; specificity?: number }>();

async function generate(o: FixOptions, run: StoredRun, report: FixReport, files: SourceFile[]): Promise<FixCandidate[]> {
  const failure = report.failure as NonNullable<FixReport['failure']>;
  const rootSeq = report.rootCause?.seq;
  const event = rootSeq === undefined ? undefined : o.store.lineage(run).eventAt(rootSeq);
  const out: FixCandidate[] = [];
  const add = (c: Omit<FixCandidate, 'n' | 'score' | 'verdict' | 'verdictDetail'> & { verdict?: Verdict; verdictDetail?: string }, h?: { safety?: number; specificity?: number }): void => {
    const cand: FixCandidate = { ...c, n: out.length + 1, verdict: c.verdict ?? 'pending', verdictDetail: c.verdictDetail ?? 'not validated yet', score: zeroScore() };
    if (h) hints.set(cand, h);
    out.push(cand);
  };
  const byPath = new Map(files.map((f) => [f.path, f]));
  const patch = (path_: string, after: string): FixCandidate['files'][number] | undefined => {
    const f = byPath.get(path_);
    if (!f || f.text === after) return undefined;
    const rel = path.relative(run.cwd, f.path) || path.basename(f.path);
    return { path: f.path, sha256: f.sha256, before: f.text, after, diff: unifiedDiff(`a/${rel}`, `b/${rel}`, f.text, after) };
  };
  // Texts name files relative to the run's folder: absolute paths are long and say nothing the diff does not.
  const rel = (text: string): string => text.split(run.cwd + path.sep).join('');
  for (const h of heuristicCandidates({ failure, files: files.map((f) => ({ path: f.path, text: f.text })), rootSeq, event })) {
    if ('needsYou' in h) {
      add({ strategy: h.strategy, source: 'heuristic', title: rel(h.title), rationale: rel(h.needsYou), files: [], verdict: 'needs_you', verdictDetail: rel(h.needsYou) });
      continue;
    }
    const patches = h.files.map((f) => patch(f.path, f.after)).filter((p): p is NonNullable<typeof p> => Boolean(p));
    if (patches.length) add({ strategy: h.strategy, source: 'heuristic', title: rel(h.title), rationale: rel(h.rationale), files: patches }, { safety: h.safety, specificity: h.specificity });
  }
  if (o.ai?.enabled) {
    const ai = await aiSuggest(
      { failure, rootCause: report.rootCause, files: files.map((f) => ({ path: f.path, text: f.text })), decisiveEvent: event, runCwd: run.cwd },
      { apiKey: o.ai.apiKey, model: o.ai.model, baseURL: o.ai.baseURL, signal: o.signal, env: o.env },
    );
    report.ai = ai.ok ? { used: true, model: ai.model, ...(ai.notes.length ? { note: ai.notes.join('; ') } : {}) } : { used: false, model: ai.model, note: ai.note };
    if (ai.ok) {
      if (report.rootCause && ai.explanation) report.rootCause.aiExplanation = ai.explanation;
      for (const c of ai.candidates) {
        const patches = c.files.map((f) => patch(f.path, f.after)).filter((p): p is NonNullable<typeof p> => Boolean(p));
        // The same change as a heuristic candidate is not a second candidate.
        const same = out.some((x) => x.files.length === patches.length && x.files.every((f, i) => f.path === patches[i]?.path && f.after === patches[i]?.after));
        if (patches.length && !same) add({ strategy: c.strategy, source: 'ai', title: c.title, rationale: c.rationale, files: patches });
      }
    }
  } else {
    report.ai = { used: false, note: 'AI off (--no-ai)' };
  }
  return out;
}

function zeroScore(): FixCandidate['score'] {
  return { confidence: 0, size: 0, validation: 0, history: 0, safety: 0, specificity: 0, total: 0 };
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}

/** One line: the best verdict. */
export function summaryLine(r: FixReport): string {
  const best = r.candidates[0];
  if (!best) return 'no candidate could be generated';
  const fixed = r.candidates.filter((c) => c.verdict === 'fixed' || c.verdict === 'fixed_simulated').length;
  return `${r.candidates.length} candidate${r.candidates.length === 1 ? '' : 's'}, ${fixed} fixing the run; best: ${best.title} (${best.verdict})`;
}
