/**
 * FROZEN snapshot of trace file format version 1 (`.agenttrace`). Never edit a released snapshot: a format change
 * adds `v2.ts`, a `modernize_1_to_2` step in format.ts and a golden fixture (CONVENTIONS §3).
 *
 * Layout of a v1 file:
 *   line 1, plain UTF-8 JSON + '\n' (readable with `head -1`, checked before anything is decompressed):
 *     {"magic":"agenttrace","version":1,"encoding":"gzip+ndjson","createdAt":<ms>,"createdBy":"agenttrace 0.1.0"}
 *   then, to the end of the file: gzip data (one or more concatenated gzip members) of UTF-8 NDJSON records:
 *     {"r":"manifest", focus, only, runs:[ids in file order], exportedAt, missingBlobs:[hashes]}   first record
 *     {"r":"run", run:{...}, partial?:{upTo}}      every run, parents before children, the root (no parentId) first
 *     {"r":"kf", run, seq, data}                    keyframes (data = the Keyframe JSON), ascending seq per run
 *     {"r":"ev", run, seq, kind, ts, payload, fp?, parent?, end?, batched?}   events, ascending seq per run; a
 *                                                   batched row covers seq..end with payload {source, values|f64}
 *     {"r":"blob", hash, b64}                       content-addressed bytes: hash = sha256 hex of the bytes
 *     {"r":"end", records}                          last record: how many records precede it (truncation check)
 * A run with `partial` is an ancestor carried only up to the fork of its exported descendant (`export --only`, or
 * the export of a branch): its events and keyframes stop at seq `upTo`, enough for the branch to replay on its own.
 * Payload JSON follows the run's own `formatVersion` (TRACE_FORMAT_VERSION), which is versioned separately.
 */
import { z } from 'zod';

export const V1 = 1;
export const MAGIC = 'agenttrace';
export const ENCODING_V1 = 'gzip+ndjson';

/** Run ids end up in file names (journals, sidecars): no path separators, no leading dot, no control characters. */
export const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
/** Names and paths are printed to terminals: no C0/C1 controls, no bidi overrides (they would rewrite the display). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const UNSAFE_TEXT_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/**
 * Environment variables a run may carry: the allowlist the recorder captures (sdk/register.ts ENV_ALLOW). Replay
 * hands recorded variables to the agent, so a file must never be able to set NODE_OPTIONS, PATH and the like.
 */
export const ENV_NAME_RE = /^(NODE_ENV|TZ|LANG|LC_ALL|CI|[A-Z0-9_]*(_MODEL|_BASE_URL|_KEY|_TOKEN|_SECRET|PASSWORD)|AGENT_[A-Z0-9_]*)$/;
export const BLOB_HASH_RE = /^[0-9a-f]{64}$/;

const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const ms = z.number().finite();
const runId = z.string().regex(RUN_ID_RE, 'must be 1-200 characters of A-Z a-z 0-9 . _ - (no path separators or control characters)');
const safeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !UNSAFE_TEXT_RE.test(s), 'contains control characters');
const name = safeText(200).refine((s) => !/[/\\]/.test(s), 'contains a path separator');
const hash = z.string().regex(BLOB_HASH_RE, 'must be a sha256 hex digest');

export const HeaderV1 = z.object({
  magic: z.literal(MAGIC),
  version: z.literal(V1),
  encoding: z.literal(ENCODING_V1),
  createdAt: ms.optional(),
  createdBy: z.string().max(200).optional(),
});
export type HeaderV1 = z.infer<typeof HeaderV1>;

export const RUN_STATUSES_V1 = ['running', 'ok', 'failed', 'crashed', 'diverged', 'pending'] as const;

export const RunV1 = z.object({
  id: runId,
  name: name.optional(),
  parentId: runId.optional(),
  forkSeq: seq.optional(),
  /** Branch edits: seq -> replacement payload (JSON objects). */
  overrides: z.record(z.string().regex(/^\d{1,15}$/), z.record(z.unknown())).optional(),
  scriptPath: safeText(4096),
  scriptSha256: z.string().regex(/^([0-9a-f]{64})?$/),
  scriptSource: z.string().optional(),
  argv: z.array(z.string()).max(10_000),
  cwd: safeText(4096),
  env: z.record(z.string().regex(ENV_NAME_RE, 'is not an environment variable a recording stores'), z.string()),
  nodeVersion: z.string().max(100),
  sdkVersion: z.string().max(100),
  formatVersion: z.number().int().min(1),
  mode: z.enum(['record', 'replay', 'resume', 'branch']),
  keyframeEvery: z.number().int().min(1).max(1_000_000),
  startedAt: ms,
  endedAt: ms.nullable(),
  pid: count,
  status: z.enum(RUN_STATUSES_V1),
  exitCode: z.number().int().nullable(),
  exitSignal: z.string().max(40).nullable(),
  steps: count,
  llmCalls: count,
  usage: z.object({ promptTokens: count, completionTokens: count, totalTokens: count }),
  warnings: z.array(z.string()).max(1000),
});
export type RunV1 = z.infer<typeof RunV1>;

const frameV1 = z.object({ functionName: z.string(), url: z.string(), line: z.number(), column: z.number() });

export const ManifestRecV1 = z.object({
  r: z.literal('manifest'),
  focus: runId,
  only: z.boolean(),
  runs: z.array(runId).min(1).max(100_000),
  exportedAt: ms,
  missingBlobs: z.array(hash).max(1_000_000),
});
export const RunRecV1 = z.object({ r: z.literal('run'), run: RunV1, partial: z.object({ upTo: seq }).optional() });
export const KeyframeRecV1 = z.object({
  r: z.literal('kf'),
  run: runId,
  seq,
  data: z
    .object({
      seq,
      tracked: z.record(z.unknown()),
      globals: z.record(z.unknown()),
      frames: z.array(frameV1.extend({ locals: z.record(z.unknown()) }).passthrough()),
      stack: z.array(frameV1.passthrough()),
      files: z.record(z.string().nullable()),
      cursors: z.record(z.number()),
      label: z.string().optional(),
    })
    .passthrough(),
});
export const EventRecV1 = z.object({
  r: z.literal('ev'),
  run: runId,
  seq,
  kind: z.string().regex(/^[a-z][a-zA-Z0-9_.-]{0,63}$/),
  ts: ms,
  payload: z.record(z.unknown()),
  fp: z.string().max(200).optional(),
  parent: seq.optional(),
  /** Batched rows only: the last seq the row covers, and `batched: true`. */
  end: seq.optional(),
  batched: z.literal(true).optional(),
});
export const BlobRecV1 = z.object({ r: z.literal('blob'), hash, b64: z.string() });
export const EndRecV1 = z.object({ r: z.literal('end'), records: count });

export type ManifestRecV1 = z.infer<typeof ManifestRecV1>;
export type RunRecV1 = z.infer<typeof RunRecV1>;
export type KeyframeRecV1 = z.infer<typeof KeyframeRecV1>;
export type EventRecV1 = z.infer<typeof EventRecV1>;
export type BlobRecV1 = z.infer<typeof BlobRecV1>;
export type EndRecV1 = z.infer<typeof EndRecV1>;
export type RecordV1 = ManifestRecV1 | RunRecV1 | KeyframeRecV1 | EventRecV1 | BlobRecV1 | EndRecV1;

export const RECORD_SCHEMAS_V1 = {
  manifest: ManifestRecV1,
  run: RunRecV1,
  kf: KeyframeRecV1,
  ev: EventRecV1,
  blob: BlobRecV1,
  end: EndRecV1,
} as const;
