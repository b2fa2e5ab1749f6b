/**
 * The journal: the append-only NDJSON file an agent process writes while it runs. The host ingests it into the
 * store (live while the run goes on, and again on recovery after a crash), so a SIGKILLed agent or host loses at
 * most the last flush interval. One line per record; records are self-contained JSON.
 */
import type { DivergenceReport, ReplayVerdict, StateVerification } from './tape.js';
import type { EventKind, ExitPayload, Json, Keyframe, RunMeta, RunStatus } from './types.js';

/** First line: the run's metadata. */
export interface JournalRun {
  t: 'run';
  meta: RunMeta;
}

/** One event. Events may be written out of seq order (a call completes after later events started). */
export interface JournalEvent {
  t: 'ev';
  seq: number;
  kind: EventKind;
  ts: number;
  payload: Json;
  fp?: string;
  parent?: number;
}

/** Fields merged into an already-written event (a response arriving, a step finishing). */
export interface JournalPatch {
  t: 'patch';
  seq: number;
  payload: Json;
}

/**
 * A run of consecutive cheap values of one kind and source (Math.random, Date.now, ...), seqs seq..seq+n-1.
 * Each value keeps its own step position; batching only saves bytes and syscalls.
 */
export interface JournalBatch {
  t: 'batch';
  seq: number;
  kind: 'random' | 'time' | 'crypto';
  source: string;
  ts: number;
  values: Json[];
  /** The values were consumed by library code (an LLM/HTTP client's own clock reads and random draws). */
  lib?: boolean;
  /** The enclosing step or tool of these values. */
  parent?: number;
  /**
   * Writer-side encoding of an all-number batch: the values as little-endian float64, base64 (formatting doubles as
   * JSON costs more than a recorded Math.random may). parseJournal decodes it into `values` and drops it.
   */
  f64?: string;
}

/** A content-addressed blob (sha256 hex of the raw bytes), base64 encoded. */
export interface JournalBlob {
  t: 'blob';
  hash: string;
  b64: string;
}

export interface JournalKeyframe {
  t: 'kf';
  keyframe: Keyframe;
}

/** Last line of a run that ended normally (exit or uncaught error). */
export interface JournalEnd {
  t: 'end';
  status: RunStatus;
  exit: ExitPayload;
  endedAt: number;
  /** Total seqs used (the next seq that would have been assigned). */
  steps: number;
}

/** Recorder diagnostics (a degraded hook, a dropped value). */
export interface JournalWarn {
  t: 'warn';
  message: string;
}

/** Replay only: the first divergence (written once, when it happens). */
export interface JournalDiverge {
  t: 'diverge';
  report: DivergenceReport;
}

/** Replay only: the tracked state at the requested step compared with the recorded one. */
export interface JournalVerify {
  t: 'verify';
  result: StateVerification;
}

/** Replay only: the verdict, written at exit. */
export interface JournalVerdict {
  t: 'verdict';
  verdict: ReplayVerdict;
}

export type JournalLine = JournalDiverge | JournalVerify | JournalVerdict | JournalRun | JournalEvent | JournalPatch | JournalBatch | JournalBlob | JournalKeyframe | JournalEnd | JournalWarn;

/**
 * Parses journal text into lines. A torn last line (the writer was killed mid-write) is dropped; a corrupt line in
 * the middle is reported through onBad and skipped, never thrown.
 */
export function parseJournal(text: string, onBad?: (lineNo: number, reason: string) => void): JournalLine[] {
  const out: JournalLine[] = [];
  const lines = text.split('\n');
  const complete = text.endsWith('\n') ? lines.length - 1 : lines.length - 1;
  for (let i = 0; i < complete; i++) {
    const line = lines[i];
    if (!line) continue;
    try {
      const v = JSON.parse(line) as JournalLine;
      if (v && typeof v === 'object' && typeof v.t === 'string') {
        if (v.t === 'batch' && typeof v.f64 === 'string') {
          v.values = decodeF64(v.f64);
          delete v.f64;
        }
        out.push(v);
      } else onBad?.(i + 1, 'not a journal record');
    } catch (e) {
      onBad?.(i + 1, e instanceof Error ? e.message : String(e));
    }
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Decodes a batch's `f64` field (base64 of little-endian float64 values) into numbers. Pure: no Buffer/atob. */
export function decodeF64(b64: string): number[] {
  const clean = b64.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = B64_INDEX[clean.charCodeAt(i) & 127];
    if (c < 0) throw new Error('bad base64 in f64 batch');
    acc = (acc << 6) | c;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[j++] = (acc >> bits) & 0xff;
    }
  }
  const view = new DataView(bytes.buffer, 0, j - (j % 8));
  const out: number[] = [];
  for (let o = 0; o + 8 <= view.byteLength; o += 8) out.push(view.getFloat64(o, true));
  return out;
}
