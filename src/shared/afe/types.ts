/**
 * The AutoFix Engine's model (DESIGN §1b), shared by the engine that produces it, the CLI that prints it and the
 * workbench that shows it. Pure types and constants: detection result, root cause, fix candidates with their
 * validation verdicts and scores, and the fix report that ties them together.
 */

/** Failure classes, from evidence in the trace (status codes, provider error bodies, error types, user frames). */
export const FAILURE_CLASSES = [
  'rate_limit',
  'quota',
  'auth',
  'model_not_found',
  'server_error',
  'timeout',
  'network',
  'context_overflow',
  'bad_json',
  'schema_mismatch',
  'missing_context',
  'tool_error',
  'loop',
  'code_bug',
  'unknown',
] as const;

export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** One link of the evidence chain, from the error back to the recorded event that produced the bad value. */
export interface EvidenceStep {
  /** error: the exception or exit; status: an HTTP/LLM error reply; frame: the failing user frame; value: the wrong value; event: the recorded input that produced it. */
  kind: 'error' | 'status' | 'frame' | 'value' | 'event' | 'exit';
  /** The step (event seq) this link points at, when it is an event of the run. */
  seq?: number;
  /** One line a person reads: `TypeError: Cannot read properties of undefined (reading 'temp')`. */
  label: string;
  /** More detail (a provider error body, a source line, a JSON path). */
  detail?: string;
  /** For kind 'frame': where in the user's code. */
  frame?: UserFrame;
}

/** A stack frame in the user's own code (not node_modules, not node internals). */
export interface UserFrame {
  /** Absolute file path. */
  file: string;
  line: number;
  column: number;
  functionName: string;
  /** The source line at `line` (from the recorded script source or the file), trimmed. */
  sourceLine?: string;
}

/** What detection found in a run: stored with the run after every recording, recomputed by `fix`. */
export interface Failure {
  class: FailureClass;
  /** One sentence: what failed, where. */
  summary: string;
  /** The step where the failure surfaced (error event, failing call, exit). */
  seq?: number;
  /** Evidence, most direct first (error → frame → value → event). */
  evidence: EvidenceStep[];
  /** The innermost user frame of the failure, when known. */
  userFrame?: UserFrame;
  /** Recorded events that may have produced the bad value, most likely first (the root-cause search order). */
  suspects: Suspect[];
  /** Error name and message as recorded (masked). */
  error?: { name: string; message: string };
  /** For provider errors: the HTTP status and the provider's error code/type. */
  status?: number;
  providerCode?: string;
}

/** A recorded event that may be the decisive step, with the corrected value that would test it. */
export interface Suspect {
  seq: number;
  kind: 'llm' | 'http' | 'random' | 'time' | 'tool' | 'step';
  /** Why it is suspected (one line). */
  reason: string;
}

export type RootCauseStatus = 'confirmed' | 'suspected' | 'unknown';

/** One counterfactual replay tried while looking for the decisive step. */
export interface CounterfactualTry {
  seq: number;
  /** The correction that was applied to the event (one line: "reply content → valid JSON extracted from it"). */
  correction: string;
  /** The branch that ran it (`<run>__rc-N`). */
  branchId?: string;
  /** clean: the fork ran to a clean exit; failed: it failed again; error: it could not run. */
  outcome: 'clean' | 'failed' | 'error';
  /** How many requests had no recorded answer and were answered from another run or synthesized. */
  simulated?: number;
  detail?: string;
}

export interface RootCause {
  /** confirmed: a replayed fork with a corrected value at `seq` ran clean; suspected: not proven by replay. */
  status: RootCauseStatus;
  /** The decisive step. */
  seq?: number;
  /** One sentence: the cause. */
  cause: string;
  /** The counterfactual replays tried, in order (at most --max-replays). */
  tries: CounterfactualTry[];
  /** Text the AI gave, when it was used (shown beside, never instead of, the replay's finding). */
  aiExplanation?: string;
}

export type FixStrategy = 'code_patch' | 'config_change' | 'prompt_change' | 'retry_policy';

export const VERDICTS = ['fixed', 'fixed_simulated', 'not_fixed', 'regressed', 'needs_you', 'error', 'pending'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** How a verdict is written for people. */
export const VERDICT_LABEL: Record<Verdict, string> = {
  fixed: 'fixed',
  fixed_simulated: 'fixed (simulated)',
  not_fixed: 'not fixed',
  regressed: 'regressed',
  needs_you: 'needs you',
  error: 'error',
  pending: 'pending',
};

/** One file a candidate changes. */
export interface FilePatch {
  /** Absolute path of the user's file. */
  path: string;
  /** sha256 (hex) of the file's bytes the patch was computed against; apply refuses when the file differs. */
  sha256: string;
  /** Unified diff (a/ b/ relative to the run's folder). */
  diff: string;
  /** Full text before and after (for side-by-side views and for apply). */
  before: string;
  after: string;
}

/** The six ranking weights of the product. */
export const SCORE_WEIGHTS = { confidence: 0.3, size: 0.15, validation: 0.25, history: 0.15, safety: 0.1, specificity: 0.05 } as const;
export type ScoreFactor = keyof typeof SCORE_WEIGHTS;

/** Each factor in [0, 1]; `total` = Σ weight × factor. */
export type ScoreBreakdown = Record<ScoreFactor, number> & { total: number };

export interface FixCandidate {
  /** 1-based, stable within a fix: the N of `<run>__fix-N` and of `fix apply <fix-id>/N`. */
  n: number;
  strategy: FixStrategy;
  /** heuristic: built-in rules (`--no-ai` path); ai: proposed by the model and validated like any other. */
  source: 'heuristic' | 'ai';
  /** Short title: "Retry 429s with backoff honouring retry-after". */
  title: string;
  /** Why this should fix the failure (one or two sentences). */
  rationale: string;
  files: FilePatch[];
  verdict: Verdict;
  /** One line explaining the verdict (what ran, what failed, what to do for needs_you). */
  verdictDetail: string;
  /** The validation branch (`<run>__fix-N`) when it ran. */
  branchId?: string;
  /** Requests answered from another recorded run / synthesized during validation. */
  answered?: { pool: number; synth: number; live: number };
  /** Regression replays against other successful runs of the same script. */
  regression?: { runId: string; ok: boolean; detail?: string }[];
  score: ScoreBreakdown;
}

export type FixStage = 'detect' | 'rootCause' | 'candidates' | 'validate' | 'rank' | 'done';

export type FixStatus = 'running' | 'done' | 'no_failure' | 'cancelled' | 'error';

/** One fix attempt on one run: what `agenttrace fix` prints and `fix show` reads back. */
export interface FixReport {
  /** `fix-<short hash>`; stable id for show/apply/undo. */
  id: string;
  runId: string;
  createdAt: number;
  finishedAt?: number;
  status: FixStatus;
  /** For status 'error': why. */
  error?: string;
  failure?: Failure;
  rootCause?: RootCause;
  /** Ranked best first. */
  candidates: FixCandidate[];
  /** Whether the AI path ran, which model, and the one-line reason when it did not (no key, 401, 429, bad JSON…). */
  ai: { used: boolean; model?: string; note?: string };
  /** Replays used (root cause + validation + regression). */
  replays: number;
  /** The applied candidate, while applied. */
  applied?: { n: number; at: number; files: string[] };
  /** When the last apply was undone. */
  undoneAt?: number;
  /**
   * Set when the report came from a trace file: it was computed on another machine against other files, so it is
   * shown but never applied here (run `fix` again to compute candidates against your own files).
   */
  importedAt?: number;
}

/** Progress of a running fix, as stderr lines in the CLI and as `fixProgress` events in the workbench. */
export interface FixProgress {
  fixId: string;
  runId: string;
  stage: FixStage;
  /** One line: "validating 2/5: Retry 429s with backoff". */
  message: string;
  done?: number;
  total?: number;
}
