/**
 * FROZEN snapshot of trace file format version 2 (`.agenttrace`). Never edit a released snapshot: a format change
 * adds `v3.ts`, a `modernize_2_to_3` step in format.ts and a golden fixture (CONVENTIONS §3).
 *
 * Version 2 is version 1 (v1.ts: header line, gzip NDJSON body, record order, partial copies) plus what the AutoFix
 * Engine knows about the exported runs:
 *     {"r":"run", run:{...}, partial?:{upTo}, failure?:<Failure>}   the failure detected in the run, when one was
 *     {"r":"fix", run, fix:<FixReport>}                             one fix attempt on `run` (fix.runId === run);
 *                                                                   after all run records, before keyframes/events
 * The header says `"version":2`; every other record is exactly as in v1. A v1 file is a v2 file without failures and
 * fix records (`modernize_1_to_2` only re-stamps the header).
 *
 * The Failure and FixReport JSON follow src/shared/afe/types.ts as it was when v2 was released; the schemas below
 * check what a reader relies on (ids, enums, numbers, the shape of candidates and their file patches) and bound every
 * size, and let the rest through as it is. The enums are frozen copies: a new failure class, verdict, status or
 * strategy that must travel in files is a format change.
 */
import { z } from 'zod';
import { BLOB_HASH_RE, MAGIC, RECORD_SCHEMAS_V1, RUN_ID_RE, RunRecV1, RunV1, UNSAFE_TEXT_RE, type RecordV1 } from './v1.js';

export const V2 = 2;
export const ENCODING_V2 = 'gzip+ndjson';

export const FAILURE_CLASSES_V2 = [
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
export const VERDICTS_V2 = ['fixed', 'fixed_simulated', 'not_fixed', 'regressed', 'needs_you', 'error', 'pending'] as const;
export const FIX_STATUSES_V2 = ['running', 'done', 'no_failure', 'cancelled', 'error'] as const;
export const FIX_STRATEGIES_V2 = ['code_patch', 'config_change', 'prompt_change', 'retry_policy'] as const;

/** Fix ids are printed and typed by people (`fix show fix-3f2a…`): a short safe token. */
export const FIX_ID_RE = /^fix-[A-Za-z0-9_-]{1,64}$/;

const KiB = 1024;
const MiB = 1024 * KiB;
/** One file's full text (before/after) and its diff: user scripts, not data. */
const MAX_FILE_TEXT = 8 * MiB;
/** Free text: summaries, error messages, provider bodies, rationales, AI explanations. */
const MAX_TEXT = 64 * KiB;

const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const count = seq;
const ms = z.number().finite();
const unit = z.number().finite().min(0).max(1);
const runId = z.string().regex(RUN_ID_RE, 'must be 1-200 characters of A-Z a-z 0-9 . _ - (no path separators or control characters)');
const text = (max: number) => z.string().max(max);
/** Printed on one line of a terminal: no control characters or bidi overrides. */
const line = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !UNSAFE_TEXT_RE.test(s), 'contains control characters');

const UserFrameV2 = z
  .object({ file: line(4096), line: count, column: count, functionName: text(1000), sourceLine: text(MAX_TEXT).optional() })
  .passthrough();

const EvidenceStepV2 = z
  .object({
    kind: z.enum(['error', 'status', 'frame', 'value', 'event', 'exit']),
    seq: seq.optional(),
    label: text(MAX_TEXT),
    detail: text(MAX_TEXT).optional(),
    frame: UserFrameV2.optional(),
  })
  .passthrough();

export const FailureV2 = z
  .object({
    class: z.enum(FAILURE_CLASSES_V2),
    summary: text(MAX_TEXT),
    seq: seq.optional(),
    evidence: z.array(EvidenceStepV2).max(200),
    userFrame: UserFrameV2.optional(),
    suspects: z
      .array(z.object({ seq, kind: z.enum(['llm', 'http', 'random', 'time', 'tool', 'step']), reason: text(MAX_TEXT) }).passthrough())
      .max(200),
    error: z.object({ name: text(1000), message: text(MAX_TEXT) }).passthrough().optional(),
    status: z.number().int().min(0).max(999).optional(),
    providerCode: text(200).optional(),
  })
  .passthrough();

const RootCauseV2 = z
  .object({
    status: z.enum(['confirmed', 'suspected', 'unknown']),
    seq: seq.optional(),
    cause: text(MAX_TEXT),
    tries: z
      .array(
        z
          .object({
            seq,
            correction: text(MAX_TEXT),
            branchId: runId.optional(),
            outcome: z.enum(['clean', 'failed', 'error']),
            simulated: count.optional(),
            detail: text(MAX_TEXT).optional(),
          })
          .passthrough(),
      )
      .max(100),
    aiExplanation: text(MAX_TEXT).optional(),
  })
  .passthrough();

const FilePatchV2 = z
  .object({
    path: line(4096),
    sha256: z.string().regex(BLOB_HASH_RE, 'must be a sha256 hex digest'),
    diff: text(MAX_FILE_TEXT),
    before: text(MAX_FILE_TEXT),
    after: text(MAX_FILE_TEXT),
  })
  .passthrough();

const FixCandidateV2 = z
  .object({
    n: z.number().int().min(1).max(1000),
    strategy: z.enum(FIX_STRATEGIES_V2),
    source: z.enum(['heuristic', 'ai']),
    title: line(1000),
    rationale: text(MAX_TEXT),
    files: z.array(FilePatchV2).max(50),
    verdict: z.enum(VERDICTS_V2),
    verdictDetail: text(MAX_TEXT),
    branchId: runId.optional(),
    answered: z.object({ pool: count, synth: count, live: count }).optional(),
    regression: z.array(z.object({ runId, ok: z.boolean(), detail: text(MAX_TEXT).optional() }).passthrough()).max(100).optional(),
    score: z.object({ confidence: unit, size: unit, validation: unit, history: unit, safety: unit, specificity: unit, total: unit }),
  })
  .passthrough();

export const FixReportV2 = z
  .object({
    id: z.string().regex(FIX_ID_RE, 'must be "fix-" and 1-64 characters of A-Z a-z 0-9 _ -'),
    runId,
    createdAt: ms,
    finishedAt: ms.optional(),
    status: z.enum(FIX_STATUSES_V2),
    error: text(MAX_TEXT).optional(),
    failure: FailureV2.optional(),
    rootCause: RootCauseV2.optional(),
    candidates: z.array(FixCandidateV2).max(50),
    ai: z.object({ used: z.boolean(), model: text(200).optional(), note: text(MAX_TEXT).optional() }).passthrough(),
    replays: count,
  })
  // Apply state (`applied`, `undoneAt`) describes the exporting machine's files and is not written (exportTrace.ts).
  .passthrough();

export const HeaderV2 = z.object({
  magic: z.literal(MAGIC),
  version: z.literal(V2),
  encoding: z.literal(ENCODING_V2),
  createdAt: ms.optional(),
  createdBy: z.string().max(200).optional(),
});
export type HeaderV2 = z.infer<typeof HeaderV2>;

/**
 * A branch may fork before step 0 (`forkSeq` -1: it shares no step with its parent, e.g. an AutoFix validation branch
 * `<run>__fix-N` that runs the patched script from its start); an ancestor carried for it then holds no step
 * (`partial.upTo` -1).
 */
const forkStep = z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER);
export const RunV2 = RunV1.extend({ forkSeq: forkStep.optional() });
export type RunV2 = z.infer<typeof RunV2>;
export const RunRecV2 = RunRecV1.extend({ run: RunV2, partial: z.object({ upTo: forkStep }).optional(), failure: FailureV2.optional() });
export const FixRecV2 = z.object({ r: z.literal('fix'), run: runId, fix: FixReportV2 });

export type FailureV2 = z.infer<typeof FailureV2>;
export type FixReportV2 = z.infer<typeof FixReportV2>;
export type RunRecV2 = z.infer<typeof RunRecV2>;
export type FixRecV2 = z.infer<typeof FixRecV2>;
export type RecordV2 = Exclude<RecordV1, { r: 'run' }> | RunRecV2 | FixRecV2;

export const RECORD_SCHEMAS_V2 = {
  ...RECORD_SCHEMAS_V1,
  run: RunRecV2,
  fix: FixRecV2,
} as const;
