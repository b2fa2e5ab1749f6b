/**
 * The trace model shared by the SDK (which writes it), the engine (which stores and derives from it) and the
 * workbench (which shows it). Pure types: no runtime imports.
 */

/** Format version of the journal and of stored payloads. Bump with a modernizer step (see CONVENTIONS §3). */
export const TRACE_FORMAT_VERSION = 1;

/** `pending`: a branch created (and maybe edited) that has not run yet: it has no events of its own. */
export type RunStatus = 'running' | 'ok' | 'failed' | 'crashed' | 'diverged' | 'pending';

export type EventKind =
  | 'llm'
  | 'http'
  | 'random'
  | 'time'
  | 'crypto'
  | 'fs'
  | 'console'
  | 'step'
  | 'tool'
  | 'state'
  | 'error'
  | 'exit';

/** A JSON value. Payloads and state are always plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface RunMeta {
  id: string;
  name?: string;
  parentId?: string;
  forkSeq?: number;
  scriptPath: string;
  scriptSha256: string;
  /** Source text of the script at record time (bounded; undefined when too large or unreadable). */
  scriptSource?: string;
  argv: string[];
  cwd: string;
  /** Allowlisted environment, secrets masked. */
  env: Record<string, string>;
  nodeVersion: string;
  sdkVersion: string;
  formatVersion: number;
  mode: 'record' | 'replay' | 'resume' | 'branch';
  keyframeEvery: number;
  startedAt: number;
  pid: number;
}

/** A reference to a content-addressed blob (sha256 hex of the raw bytes). */
export interface BlobRef {
  blob: string;
  size: number;
  /** How the bytes are best shown: utf8 text or binary. */
  encoding: 'utf8' | 'binary';
}

/** A body is inline text when small and valid UTF-8, otherwise a blob reference. */
export type Body = { text: string } | BlobRef;

/**
 * Stored bodies up to this many characters that are valid UTF-8 are inline text; larger ones are blobs. A recording's
 * journal carries every text body inline (the agent neither hashes nor encodes it) and the store makes the blob.
 */
export const INLINE_BODY_LIMIT = 64 * 1024;

export interface HttpRequestRecord {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Body;
}

export interface StreamChunk {
  /** Milliseconds since the request was issued. */
  t: number;
  /** Chunk text (UTF-8 decoded; SSE data is text). */
  data: string;
}

export interface HttpResponseRecord {
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  body?: Body;
  /** Present when the body arrived as a stream: every chunk with its arrival time. */
  chunks?: StreamChunk[];
}

/** Which interception layer saw the call; replay serves it at the same layer. */
export type NetLayer = 'fetch' | 'http';

export interface HttpPayload {
  layer: NetLayer;
  request: HttpRequestRecord;
  response?: HttpResponseRecord;
  /** Network-level failure (connection refused, reset...). */
  error?: { name: string; message: string; code?: string };
  durationMs?: number;
  /** Milliseconds from request to first response byte. */
  ttfbMs?: number;
  /** Wall-clock ms (fractional) when the call was issued: the origin of ttfbMs, durationMs and chunk times. */
  startedAtMs?: number;
  /** Replay under policy `fallback`: the response was served from another run of the script (`pool`) or synthesized. */
  replayedFrom?: 'pool' | 'synth';
}

export type LlmProvider = 'openai' | 'groq' | 'anthropic' | 'gemini' | 'openai-compatible';

export interface LlmToolCall {
  id?: string;
  name: string;
  arguments: string;
}

export interface LlmReply {
  role: string;
  content: string;
  toolCalls?: LlmToolCall[];
}

export interface LlmPayload extends HttpPayload {
  provider: LlmProvider;
  model?: string;
  messages?: Json;
  stream: boolean;
  reply?: LlmReply;
  finishReason?: string;
  usage?: TokenUsage;
}

export type RandomSource =
  | 'Math.random'
  | 'crypto.randomUUID'
  | 'crypto.getRandomValues'
  | 'crypto.randomBytes'
  | 'crypto.randomInt'
  | 'crypto.randomFill';

export interface RandomPayload {
  source: RandomSource;
  /** number for Math.random/randomInt, string for randomUUID, hex string for byte sources. */
  value: number | string;
  /** Consumed by library code (an LLM/HTTP client's own bookkeeping), not by the agent. Absent in older traces. */
  lib?: boolean;
}

export type TimeSource = 'Date.now' | 'new Date' | 'Date()' | 'performance.now' | 'process.hrtime' | 'process.hrtime.bigint';

export interface TimePayload {
  source: TimeSource;
  /** ms since epoch for Date sources; ms for performance.now; [s, ns] for hrtime; decimal string for bigint. */
  value: number | [number, number] | string;
  /** Consumed by library code (an LLM/HTTP client's own bookkeeping), not by the agent. Absent in older traces. */
  lib?: boolean;
}

export type FsOp =
  | 'writeFile'
  | 'appendFile'
  | 'write'
  | 'mkdir'
  | 'rm'
  | 'unlink'
  | 'rmdir'
  | 'rename'
  | 'copyFile'
  | 'truncate'
  | 'cp'
  | 'createWriteStream';

export interface FsPayload {
  op: FsOp;
  path: string;
  /** Second path for rename/copyFile/cp. */
  dest?: string;
  size?: number;
  content?: BlobRef;
  /**
   * The whole file right after a partial write (fd, FileHandle or stream write, appendFile, truncate), when small
   * enough to read back; `content` holds only the bytes of the call. Absent in traces recorded before it existed.
   */
  after?: BlobRef;
  /** Synchronous, callback or promise API. */
  api: 'sync' | 'callback' | 'promise' | 'stream';
  error?: string;
}

export interface ConsolePayload {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface StepPayload {
  name: string;
  input?: Json;
  output?: Json;
  error?: { name: string; message: string; stack?: string };
  durationMs?: number;
}

export type StateOp =
  | { op: 'set'; path: (string | number)[]; value: Json }
  | { op: 'del'; path: (string | number)[] };

export interface StatePayload {
  name: string;
  ops: StateOp[];
}

export interface StackFrame {
  functionName: string;
  url: string;
  line: number;
  column: number;
}

export interface FrameLocals extends StackFrame {
  locals: Record<string, Json>;
}

export interface ErrorPayload {
  origin: 'uncaughtException' | 'unhandledRejection';
  name: string;
  message: string;
  stack?: string;
  /**
   * Locals of the failing frames, read on the failing pass (own code only, bounded). A frame of `stack` missing here
   * had no locals captured at that moment.
   */
  frames?: FrameLocals[];
  /**
   * How `frames` were read when not by the recording itself: 'replay' — by replaying the run offline to this error
   * (same steps, same error), because the recording could not pause there (an error raised without a throw statement).
   */
  framesBy?: 'replay';
  /** Source of every own file on the failing stack, as it was when the error happened (secrets masked). */
  sources?: SourceSnapshot[];
}

/** A user file's text captured at record time. */
export interface SourceSnapshot {
  /** file URL as in stack frames. */
  url: string;
  /** sha256 of the file's bytes on disk at capture time (before masking), to tell if it changed since. */
  sha256: string;
  /** The masked text. */
  text: BlobRef;
}

export interface ExitPayload {
  code: number | null;
  signal?: string | null;
}

export interface PayloadByKind {
  llm: LlmPayload;
  http: HttpPayload;
  random: RandomPayload;
  crypto: RandomPayload;
  time: TimePayload;
  fs: FsPayload;
  console: ConsolePayload;
  step: StepPayload;
  tool: StepPayload;
  state: StatePayload;
  error: ErrorPayload;
  exit: ExitPayload;
}

export interface TraceEvent<K extends EventKind = EventKind> {
  seq: number;
  kind: K;
  /** Wall-clock ms since epoch (real time, not the recorded clock). */
  ts: number;
  payload: PayloadByKind[K];
  /** sha256 of method + normalized URL + canonical body, for llm/http. */
  fingerprint?: string;
  /** For step/tool nesting: the seq of the enclosing step. */
  parentSeq?: number;
}

export interface Keyframe {
  seq: number;
  /** Tracked state: name -> value (bounded JSON). */
  tracked: Record<string, Json>;
  /** User-added globals (not present at startup), bounded. */
  globals: Record<string, Json>;
  /** Locals of the agent's own frames, innermost first; empty when not captured at this point. */
  frames: FrameLocals[];
  stack: StackFrame[];
  /** Files written so far: path -> blob hash (null when deleted). */
  files: Record<string, string | null>;
  /** Tape cursors: how many values of each source were consumed so far. */
  cursors: Record<string, number>;
  /** Why this keyframe was taken outside the every-N schedule (a `snapshot()` label, 'llm call', 'error'...). */
  label?: string;
}

/** The state at one step, derived from the nearest keyframe plus deltas. */
export interface StateAtStep {
  seq: number;
  keyframeSeq: number | null;
  tracked: Record<string, Json>;
  globals: Record<string, Json>;
  frames: FrameLocals[];
  stack: StackFrame[];
  files: Record<string, string | null>;
}
