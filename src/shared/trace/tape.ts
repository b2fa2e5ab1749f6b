/**
 * The replay tape: everything an agent process needs to re-live a recorded run offline, prepared by the host
 * from the store (engine/replay) and loaded by the SDK in replay mode (AGENTTRACE_TAPE=<file>, JSON).
 * The replaying SDK records its own journal exactly like a recording; the host compares the two event by event.
 */
import type { ExitPayload, HttpRequestRecord, Json, NetLayer, RunStatus, StreamChunk } from './types.js';

export const TAPE_FORMAT_VERSION = 1;

/** Exit code of an agent process stopped by the SDK at a divergence under the `stop` policy. */
export const EXIT_DIVERGED = 86;
/** Exit code of an agent process stopped by the SDK at the requested step (`--offline` jump). */
export const EXIT_STOPPED_AT_STEP = 87;
/** Exit code of an agent process whose replay could not start (no tape, bad tape, a sandbox failed to install). */
export const EXIT_REPLAY_SETUP = 85;

/**
 * What an unmatched request (or any divergence) does: `stop` ends the process, `live` continues on the real network,
 * `fallback` continues offline: a request the recording cannot answer is answered from `Tape.pool` (the same request
 * recorded in another run of the script), else with a synthesized reply (`Tape.synth`); the kill switch stays on.
 */
export type DivergencePolicy = 'stop' | 'live' | 'fallback';

/** Where the replay's answer to a request came from: the recording, the pool, a synthesized reply, the network. */
export type AnswerSource = 'record' | 'pool' | 'synth' | 'live';

export interface TapeResponse {
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  /** Full body bytes, base64 (blobs resolved by the host). Absent when the call had no body or failed. */
  bodyB64?: string;
  /** For streamed responses: the chunks with their recorded arrival times (ms since the request). */
  chunks?: StreamChunk[];
}

export interface TapeCall {
  /** Seq of the call in the recorded run. */
  seq: number;
  fingerprint: string;
  /** 0-based: this is the n-th call with this fingerprint in issue order. */
  occurrence: number;
  /** 0-based rank of this call's completion among all calls (the recorded arrival order). */
  arrival: number;
  /**
   * Recorded issue time (the event's wall-clock ts, ms). With ttfbMs, the chunks' `t` and durationMs it places every
   * response event of the run (head, chunks, completion) on one timeline, whose order the replay reproduces.
   * Absent (older tapes): only the completion order (`arrival`) is reproduced.
   */
  issuedMs?: number;
  layer: NetLayer;
  /** The recorded request (masked), for divergence reports. */
  request: HttpRequestRecord;
  response?: TapeResponse;
  error?: { name: string; message: string; code?: string };
  ttfbMs?: number;
  durationMs?: number;
  /** Branch edits: this call's response was replaced by the user (issue 4). */
  edited?: boolean;
  /** Pool entries (Tape.pool): the run this call was recorded in (`seq` is that run's). */
  runId?: string;
}

/** One recorded cheap value with its step position. */
export interface TapeValue {
  seq: number;
  value: Json;
}

export interface Tape {
  formatVersion: number;
  runId: string;
  /** Seqs the recorded run used (its step count). */
  steps: number;
  /** How the recorded run ended (a crashed run replays up to the crash). */
  recordedStatus: RunStatus;
  recordedExit?: ExitPayload;
  /** Replay deterministically through this seq (inclusive); afterwards `after` decides. Absent: the whole run. */
  untilSeq?: number;
  /** What happens after untilSeq: continue live (resume) or stop the process (offline jump). */
  after: 'live' | 'stop';
  onDivergence: DivergencePolicy;
  /** Stream chunk pacing: instantly (default) or with the recorded inter-chunk delays. */
  pace: 'instant' | 'recorded';
  /** Network calls in recorded issue order. */
  calls: TapeCall[];
  /** Cheap values per source ("Math.random", "Date.now", "crypto.randomUUID", ...), in recorded order. */
  values: Record<string, TapeValue[]>;
  /**
   * Event signature of the recorded run, one entry per seq: `kind` or `kind:fingerprint` for calls. The replay's
   * own events are compared against it to find the first divergence of any kind (not only network requests).
   */
  signature: string[];
  /** Recorded stdout, concatenated (for the byte-identical verdict). */
  stdout: string;
  /**
   * Directories the recorded run created (successful fs `mkdir` events, in seq order). A replayed mkdtemp reuses the
   * name it got while recording (the first unused one of the form prefix + 6 characters), so output naming it matches.
   */
  mkdirs?: string[];
  /** Canonical-JSON sha256 of the tracked state at untilSeq and the state itself, for `state at step N verified`. */
  stateAtUntil?: { hash: string; tracked: Record<string, Json> };
  /**
   * The recorded run's keyframe interval. A forced state check at a keyframe can emit a pending state delta earlier
   * than an event would, so the replay must use the same interval (the SDK prefers this over its default).
   */
  keyframeEvery?: number;
  /** For resume/branch runs: the run the SDK records into (events after the fork only). */
  branch?: { id: string; parentId: string; forkSeq: number; name: string };
  /**
   * Source files served patched (absolute path → full new UTF-8 text): the agent loads these modules (ESM, CommonJS,
   * TypeScript through tsx) and reads these files with the patched text; nothing is written to disk.
   */
  patchedFiles?: Record<string, string>;
  /**
   * Policy `fallback`: calls recorded in other runs of the same script. An unmatched request is answered by the n-th
   * pool entry with its fingerprint when the replay asks the pool for that fingerprint the n-th time.
   */
  pool?: TapeCall[];
  /** Policy `fallback`: synthesized LLM replies say `content` (default: the last recorded reply of the URL, else "OK"). */
  synth?: { content?: string };
}

/** A field-level difference between an expected (recorded) and an actual request. */
export interface FieldDiff {
  /** Dotted path: `body.messages.1.content`, `url`, `method`. */
  path: string;
  expected?: Json;
  actual?: Json;
}

/** The first divergence of a replay, written by the SDK to its journal and printed by the host. */
export interface DivergenceReport {
  /** The replay's seq at which it diverged (equals the recorded seq up to there). */
  seq: number;
  kind: string;
  reason: 'unmatched-request' | 'event-mismatch' | 'tape-exhausted' | 'network-blocked';
  message: string;
  expected?: { signature?: string; request?: HttpRequestRecord };
  actual?: { signature?: string; request?: HttpRequestRecord };
  diff?: FieldDiff[];
  policy: DivergencePolicy;
}

/** Result of comparing the live tracked state at untilSeq with the recorded one. */
export interface StateVerification {
  seq: number;
  ok: boolean;
  /** Paths that differ (empty when ok). */
  paths: string[];
}

/** The replay's own summary, written by the SDK at exit (and printed by it in environment-variable mode). */
export interface ReplayVerdict {
  identical: boolean;
  matched: number;
  recordedSteps: number;
  replayedSteps: number;
  stdoutIdentical: boolean;
  divergence?: DivergenceReport;
  state?: StateVerification;
  /** How the replay's requests were answered (counts; every source present, 0 when unused). */
  answered?: Record<AnswerSource, number>;
  /** Policy `fallback`: each request answered from the pool or synthesized, in the order they were answered. */
  fallbackAnswers?: FallbackAnswer[];
  /** What the replay sandbox contained (absent in verdicts of older SDKs). */
  contained?: ReplayContainment;
}

/**
 * The side effects a replay's sandbox kept off the real machine. A replay is only "verified" when `refused` is
 * empty: a refused call is one the recording made for real and the replay could not reproduce safely.
 */
export interface ReplayContainment {
  /** File writes (fs events) that went to the in-memory volume. */
  fsWrites: number;
  /** Metadata changes (chmod, chown, utimes, symlink, link...) kept in the volume or dropped. */
  fsMeta: number;
  /** Calls refused with a replay error (`child_process.spawn`, `process.binding`, `dns.lookup`, `net.Server.listen`...), each once. */
  refused: string[];
}

/** One request of a replay that the recording could not answer, answered from the pool or synthesized. */
export interface FallbackAnswer {
  /** The replay's seq of the call. */
  seq: number;
  kind: 'llm' | 'http';
  from: 'pool' | 'synth';
  /** Pool: the run and seq the served response was recorded at. */
  runId?: string;
  recordedSeq?: number;
  /** Synth, LLM calls: the reply text the synthesized response carries. */
  content?: string;
}
