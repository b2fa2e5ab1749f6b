/**
 * The actions part of the contract (the trace screen's action bar): replay with its verdict, resume from a step,
 * edit-and-fork (validated as the user types, then run in the background with its progress as runUpdated events),
 * and the side-by-side diff of two runs of a tree.
 */
import { z } from 'zod';
import type { DiffChange, DiffReport, DiffRunInfo } from '../model/diffReport.js';
import type { DivergenceReport, StateVerification } from '../trace/tape.js';
import type { Json, RunStatus } from '../trace/types.js';
import { json, runId, seq, type ApiOf } from './schema.js';

/** What a replay of a run amounted to (the Replay action). */
export interface ReplayVerdictView {
  runId: string;
  /** The replay matched the recording: same events and the same output. */
  identical: boolean;
  /** Events that matched the recording, in order. */
  matched: number;
  recordedSteps: number;
  replayedSteps: number;
  stdoutIdentical: boolean;
  /** verified, diverged or failed (the engine's ReplayOutcome kind). */
  outcome: string;
  /** The verdict as the CLI prints it, e.g. "Replay verified: output identical (12 events matched)". */
  lines: string[];
  /** The first divergence: step, kind, reason and the differing request fields. */
  divergence?: DivergenceReport;
  state?: StateVerification;
  /** The first differing stdout line, when the output differs. */
  stdoutDiff?: { line: number; expected?: string; actual?: string };
}

/** An edit payload checked against the event it replaces (nothing stored): normalized, or why it does not fit. */
export type EditValidation = { ok: true; normalized: Json } | { ok: false; error: string; hint?: string };

/** A run diff as `agenttrace diff --json` reports it (src/shared/model/diffReport.ts). */
export type RunDiffView = DiffReport;
export type RunDiffSide = DiffRunInfo;
export type RunDiffChange = DiffChange;

/** A trace file produced by exportRun. */
export interface ExportedFile {
  /** Suggested file name, e.g. `3f2a1b2c__edit-4.agenttrace`. */
  fileName: string;
  bytes: number;
  runs: number;
  events: number;
  dataB64: string;
}

export const actionsParams = {
  /** Replays the whole run offline (nothing goes live) and waits for the verdict: identical, or where it diverged. */
  replayRun: z.object({ runId }).strict(),
  /**
   * Resumes the run from `step`: deterministic through it, live after, recorded as branch `<runId>__resume-<step>`.
   * Returns at once; the branch's progress arrives as runUpdated events.
   */
  resumeFrom: z.object({ runId, step: seq }).strict(),
  /** Validates an edit of event `seq` (its new reply or value) without storing anything: the editor's as-you-type check. */
  validateEdit: z.object({ runId, seq, payload: json }).strict(),
  /**
   * Creates a branch of `runId` at `step` (events from `step` on are the branch's), stores the edits and starts it in
   * the background; returns its id at once. Its progress and end arrive as runUpdated events.
   */
  createBranchAndRun: z
    .object({
      runId,
      step: seq,
      name: z.string().min(1).max(64).optional(),
      edits: z.array(z.object({ seq, payload: json }).strict()).max(100),
    })
    .strict(),
  /**
   * Runs a branch that exists but has not run yet (created with `agenttrace branch create`, edited or not), in the
   * background; returns at once, progress arrives as runUpdated events. ATR_BAD_ARGS for a trace or a running run.
   */
  runBranch: z.object({ runId }).strict(),
  /**
   * Deletes a branch (with `recursive`, also the branches forked from it), never a trace and never a running run;
   * returns the deleted ids and the parent to show next. The parent's own events are untouched.
   */
  deleteBranch: z.object({ runId, recursive: z.boolean().optional() }).strict(),
  /** Compares run `a` with run `b` (each with its lineage): first divergence, changed replies and results, deltas. */
  diffRuns: z.object({ a: runId, b: runId }).strict(),
  /**
   * Exports the run with its branches (only this run with `only`; a branch carries its ancestors up to its fork) as
   * a trace file's bytes for the browser to save; scanned for secrets like `agenttrace export`. Files over
   * MAX_UPLOAD_BYTES are refused with a hint to use the CLI.
   */
  exportRun: z.object({ runId, only: z.boolean().optional() }).strict(),
};

export interface ActionsResults {
  replayRun: ReplayVerdictView;
  resumeFrom: { branchId: string; status: RunStatus };
  validateEdit: EditValidation;
  createBranchAndRun: { branchId: string };
  runBranch: { branchId: string };
  deleteBranch: { deleted: string[]; parentId: string };
  diffRuns: RunDiffView;
  exportRun: ExportedFile;
}

export type ActionsApi = ApiOf<typeof actionsParams, ActionsResults>;
