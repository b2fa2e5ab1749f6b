/**
 * The replay Tape of a stored run (see src/shared/trace/tape.ts): its events (a branch's ancestors' events up to
 * its fork, then its own), blobs resolved to base64, how it ended, and for a jump or resume to step N the recorded
 * tracked state at N with its hash. The hash must equal the SDK's: sha256 hex of canonicalJson(tracked).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson } from '../../shared/trace/canonicalJson.js';
import { applyOverride, type EventOverride } from '../../shared/trace/overrides.js';
import type { DivergencePolicy, Tape } from '../../shared/trace/tape.js';
import { buildTape } from '../../shared/trace/tapeBuilder.js';
import type { Body, Json, TraceEvent } from '../../shared/trace/types.js';
import { AtrError, BadArgsError, NotFoundError } from '../errors.js';
import { pidAlive, readSidecar } from '../runner/hostSidecar.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';

export interface TapeOptions {
  /** Replay deterministically through this step; then `after` decides. Absent: the whole run. */
  step?: number;
  /** What happens after `step`: stop there (offline jump, the default) or continue live (resume). */
  after?: 'live' | 'stop';
  onDivergence?: DivergencePolicy;
  pace?: 'instant' | 'recorded';
  /** The branch run a resume or a branch replay records into (Tape.branch). */
  branch?: Tape['branch'];
  /**
   * Branch edits (seq → override) applied to the run's events before the tape is built: an edited call keeps its
   * fingerprint and gets the new response (TapeCall.edited), an edited value replaces the recorded one.
   */
  overrides?: ReadonlyMap<number, EventOverride>;
  /** Source files the agent runs patched (Tape.patchedFiles). */
  patchedFiles?: Tape['patchedFiles'];
  /** Policy `fallback`: calls of other runs (poolFromRuns) and the synthesized reply's content (Tape.pool/synth). */
  pool?: Tape['pool'];
  synth?: Tape['synth'];
}

/** The id of the branch run a resume from `step` records into: `<id>__resume-<N>`. */
export function resumeBranchId(runId: string, step: number): string {
  return `${runId}__resume-${step}`;
}

/**
 * A resume about to start records into `id`: an earlier run there is deleted (the natural "try again from here").
 * Returns whether one was replaced. A resume running right now, or one with branches of its own, is kept (error).
 */
export function replaceResumeBranch(store: TraceStore, id: string): boolean {
  const old = store.findRun(id);
  if (!old) return false;
  const host = readSidecar(store.home, id);
  if (old.status === 'running' && host && pidAlive(host.hostPid)) {
    throw new AtrError('ATR_BAD_ARGS', `run ${id} is being resumed right now by process ${host.hostPid}`, { hint: 'wait for it to finish, then resume again' });
  }
  store.deleteRun(id);
  return true;
}

/** sha256 hex of the canonical JSON of a tracked-state record (the SDK hashes its live state the same way). */
export function stateHash(tracked: Record<string, Json>): string {
  return createHash('sha256').update(canonicalJson(tracked)).digest('hex');
}

/** Throws a NotFoundError naming the run's step range when `step` is not one of its steps. */
export function checkStep(run: StoredRun, step: number): void {
  if (!Number.isSafeInteger(step) || step < 0 || step >= run.steps) {
    const range = run.steps > 0 ? `its steps are 0..${run.steps - 1}` : 'it recorded no steps';
    throw new NotFoundError(`step ${step} is beyond the end of run ${run.id}: it has ${run.steps} step${run.steps === 1 ? '' : 's'}`, `pick a step from \`agenttrace show ${run.id}\`; ${range}`, {
      step,
      steps: run.steps,
    });
  }
}

export function tapeFromStore(store: TraceStore, runId: string, opts: TapeOptions = {}): Tape {
  const run = store.getRun(runId);
  if (opts.step !== undefined) checkStep(run, opts.step);
  const lineage = store.lineage(run);
  const recorded = lineage.events();
  const events = opts.overrides?.size ? withOverrides(store, run, recorded, opts.overrides) : recorded;
  const tape = buildTape({
    runId: run.id,
    events,
    steps: Math.max(run.steps, events.length ? events[events.length - 1].seq + 1 : 0),
    recordedStatus: run.status,
    recordedExit: run.exitCode !== null || run.exitSignal !== null ? { code: run.exitCode, signal: run.exitSignal } : undefined,
    blobB64: (hash) => store.getBlob(hash)?.toString('base64'),
    untilSeq: opts.step,
    after: opts.step === undefined ? undefined : (opts.after ?? 'stop'),
    onDivergence: opts.onDivergence,
    pace: opts.pace,
    branch: opts.branch,
  });
  // The replay must take keyframes (and so state-check seqs) at the recorded interval, whoever starts it.
  tape.keyframeEvery = run.keyframeEvery;
  if (opts.overrides) for (const call of tape.calls) if (opts.overrides.has(call.seq)) call.edited = true;
  if (opts.patchedFiles && Object.keys(opts.patchedFiles).length > 0) tape.patchedFiles = opts.patchedFiles;
  if (opts.pool?.length) tape.pool = opts.pool;
  if (opts.synth) tape.synth = opts.synth;
  if (opts.step !== undefined) {
    const { tracked } = lineage.stateAt(opts.step);
    tape.stateAtUntil = { hash: stateHash(tracked), tracked };
  }
  return tape;
}

const KINDS_OF: Record<EventOverride['type'], readonly string[]> = { reply: ['llm'], response: ['llm', 'http'], value: ['random', 'crypto', 'time'] };

/**
 * The events with the edits applied. An edit whose event is gone or of another kind (the parent ran again since the
 * edit was made) is an error naming it, never silently skipped: the replay would not be the one the user asked for.
 */
function withOverrides(store: TraceStore, run: StoredRun, events: TraceEvent[], overrides: ReadonlyMap<number, EventOverride>): TraceEvent[] {
  const bodyText = (body: Body): string | undefined => ('text' in body ? body.text : body.encoding === 'utf8' ? store.getBlob(body.blob)?.toString('utf8') : undefined);
  const bySeq = new Map(events.map((e, i) => [e.seq, i]));
  const out = [...events];
  for (const [seq, o] of overrides) {
    const i = bySeq.get(seq);
    const ev = i === undefined ? undefined : out[i];
    if (!ev || !KINDS_OF[o.type].includes(ev.kind)) {
      throw new BadArgsError(
        `the edit of event ${seq} no longer fits ${run.id}: its event ${seq} is ${ev ? `a ${ev.kind} event` : 'gone'} (did it run again since the edit?)`,
        'show the edits with `agenttrace branch list --json`, then edit the event again or remove that edit with `agenttrace branch edit <branch> --event N --remove`',
      );
    }
    out[i as number] = applyOverride(ev, o, { bodyText });
  }
  return out;
}

/** Writes a tape as JSON into a fresh temporary folder and returns the file's path (remove its folder after use). */
export function writeTapeFile(tape: Tape, dir?: string): string {
  const folder = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-replay-'));
  const file = path.join(folder, 'tape.json');
  fs.writeFileSync(file, JSON.stringify(tape));
  return file;
}
