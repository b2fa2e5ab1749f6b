/**
 * The report of a run diff (`agenttrace diff --json`, the workbench's Compare view): both runs' totals over their
 * whole lineage, the first divergence, changed replies and results, and the deltas. Computed by the engine's
 * diffStoredRuns from the pure diffRuns; defined here once for the engine, the CLI and the contract.
 */
import type { Json, RunStatus } from '../trace/types.js';
import type { RunDiff } from './runDiff.js';

/** One side of a diff: the run and the totals of its whole lineage. */
export interface DiffRunInfo {
  id: string;
  name?: string;
  scriptPath: string;
  parentId?: string;
  forkSeq?: number;
  status: RunStatus;
  exitCode: number | null;
  exitSignal: string | null;
  /** Events compared (a branch: inherited + own). */
  steps: number;
  llmCalls: number;
  /** Tokens of the whole execution compared: for a branch, the inherited calls up to its fork plus its own. */
  totalTokens: number;
  /**
   * A branch only: tokens of its own calls (after its fork), the number the runs list, the branch graph and the run
   * header show for it; totalTokens minus ownTokens is what it inherits.
   */
  ownTokens?: number;
  /** Absent when every LLM call is unpriced. */
  costUsd?: number;
  unpricedCalls: number;
  durationMs: number | null;
}

export interface DiffChange {
  seqA: number;
  seqB: number;
  kind: string;
  label: string;
  /** LLM replies only. */
  model?: string;
  before: Json;
  after: Json;
}

export interface DiffReport {
  a: DiffRunInfo;
  b: DiffRunInfo;
  identical: boolean;
  /** Kinds left out of the comparison (random/time/crypto values of separately recorded runs, unless asked). */
  ignoredKinds: string[];
  firstDivergence: NonNullable<RunDiff['firstDivergence']> | null;
  changedReplies: DiffChange[];
  changedResults: DiffChange[];
  onlyInA: { seq: number; kind: string }[];
  onlyInB: { seq: number; kind: string }[];
  counts: { aligned: number; same: number; changed: number; onlyInA: number; onlyInB: number };
  /** B minus A. costUsd is null when either side has unpriced calls (an unknown delta is not $0). */
  delta: { tokens: number; costUsd: number | null; durationMs: number | null; steps: number };
}
