/**
 * Builds a replay Tape from a recorded run's events. Pure: the host passes the events (from the store, batches
 * expanded) and a blob lookup; SDK tests pass events read from a journal. Hashing happens outside (no crypto here).
 */
import type { DivergencePolicy, Tape, TapeCall, TapeResponse, TapeValue } from './tape.js';
import { TAPE_FORMAT_VERSION } from './tape.js';
import type { Body, ConsolePayload, ExitPayload, FsPayload, HttpPayload, Json, RunStatus, TraceEvent } from './types.js';

export interface BuildTapeInput {
  runId: string;
  /** All events of the recorded run (for a branch: the ancestors' events up to the fork, then its own), by seq. */
  events: TraceEvent[];
  /** Total seqs the recorded run used (defaults to the highest seq + 1). */
  steps?: number;
  recordedStatus: RunStatus;
  recordedExit?: ExitPayload;
  /** base64 of a blob's bytes, or undefined when missing. */
  blobB64: (hash: string) => string | undefined;
  untilSeq?: number;
  after?: 'live' | 'stop';
  onDivergence?: DivergencePolicy;
  pace?: 'instant' | 'recorded';
  stateAtUntil?: Tape['stateAtUntil'];
  branch?: Tape['branch'];
}

const VALUE_KINDS = new Set(['random', 'time', 'crypto']);

export function buildTape(input: BuildTapeInput): Tape {
  const events = [...input.events].sort((a, b) => a.seq - b.seq);
  const steps = input.steps ?? (events.length ? events[events.length - 1].seq + 1 : 0);
  const signature: string[] = new Array<string>(steps).fill('');
  const values: Record<string, TapeValue[]> = {};
  const calls: TapeCall[] = [];
  const occurrences = new Map<string, number>();
  const issuedAt = new Map<number, number>();
  let stdout = '';
  const mkdirs: string[] = [];

  for (const ev of events) {
    if (ev.seq < steps) signature[ev.seq] = ev.fingerprint ? `${ev.kind}:${ev.fingerprint}` : ev.kind;
    if (VALUE_KINDS.has(ev.kind)) {
      const p = ev.payload as { source: string; value: Json };
      (values[p.source] ??= []).push({ seq: ev.seq, value: p.value });
    } else if (ev.kind === 'console') {
      const p = ev.payload as ConsolePayload;
      if (p.stream === 'stdout') stdout += p.text;
    } else if (ev.kind === 'fs') {
      const p = ev.payload as FsPayload;
      if (p.op === 'mkdir' && !p.error) mkdirs.push(p.path);
    } else if ((ev.kind === 'llm' || ev.kind === 'http') && ev.fingerprint) {
      const p = ev.payload as HttpPayload;
      const occurrence = occurrences.get(ev.fingerprint) ?? 0;
      occurrences.set(ev.fingerprint, occurrence + 1);
      issuedAt.set(ev.seq, p.startedAtMs ?? ev.ts);
      const call: TapeCall = { seq: ev.seq, fingerprint: ev.fingerprint, occurrence, arrival: 0, issuedMs: p.startedAtMs ?? ev.ts, layer: p.layer, request: p.request };
      if (p.response) call.response = tapeResponse(p.response, input.blobB64);
      if (p.error) call.error = p.error;
      if (p.ttfbMs !== undefined) call.ttfbMs = p.ttfbMs;
      if (p.durationMs !== undefined) call.durationMs = p.durationMs;
      calls.push(call);
    }
  }

  // Arrival order = completion time (issue time + duration); ties keep issue order.
  const byArrival = calls
    .map((c, i) => ({ c, i, done: (issuedAt.get(c.seq) ?? 0) + (c.durationMs ?? 0) }))
    .sort((a, b) => a.done - b.done || a.i - b.i);
  byArrival.forEach((x, rank) => (x.c.arrival = rank));

  const tape: Tape = {
    formatVersion: TAPE_FORMAT_VERSION,
    runId: input.runId,
    steps,
    recordedStatus: input.recordedStatus,
    after: input.after ?? 'stop',
    onDivergence: input.onDivergence ?? 'stop',
    pace: input.pace ?? 'instant',
    calls,
    values,
    signature,
    stdout,
  };
  if (mkdirs.length) tape.mkdirs = mkdirs;
  if (input.recordedExit) tape.recordedExit = input.recordedExit;
  if (input.untilSeq !== undefined) tape.untilSeq = input.untilSeq;
  if (input.stateAtUntil) tape.stateAtUntil = input.stateAtUntil;
  if (input.branch) tape.branch = input.branch;
  return tape;
}

function tapeResponse(r: NonNullable<HttpPayload['response']>, blobB64: (hash: string) => string | undefined): TapeResponse {
  const out: TapeResponse = { status: r.status, headers: r.headers };
  if (r.statusText !== undefined) out.statusText = r.statusText;
  if (r.body) {
    const b64 = bodyB64(r.body, blobB64);
    if (b64 !== undefined) out.bodyB64 = b64;
  }
  if (r.chunks) out.chunks = r.chunks;
  return out;
}

/** A stored body as base64 bytes (inline text is UTF-8 encoded). */
export function bodyB64(body: Body, blobB64: (hash: string) => string | undefined): string | undefined {
  if ('text' in body) return utf8ToB64(body.text);
  return blobB64(body.blob);
}

function utf8ToB64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
