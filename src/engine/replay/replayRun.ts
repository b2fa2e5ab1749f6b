/**
 * replayRun (behind `agenttrace replay` and the workbench's Replay, Resume and branch actions): re-runs a recorded
 * script with the SDK in replay mode (AGENTTRACE_MODE=replay, AGENTTRACE_TAPE=<tape, see tapeDelivery.ts>,
 * AGENTTRACE_JOURNAL=<journal>; names in src/shared/trace/envProtocol.ts), in the recorded folder with the recorded
 * arguments. Four modes:
 * - replay (no step): the whole run offline; the SDK's verdict says whether it was identical.
 * - jump (`step` + `offline`): deterministic through step N, where the SDK verifies the tracked state and stops.
 * - resume (`step` only): deterministic through step N, then live, recorded as the branch run `<id>__resume-<N>`
 *   (events after N only, parent and fork step set). Resuming again from the same step REPLACES that branch (it is
 *   the natural "try again from here"); a branch that has branches of its own is never replaced (error instead).
 * - branch (`branch`): the branch's parent's timeline with the branch's edits, live after the first divergence
 *   (`offline`: a divergence stops it), recorded into the branch run (src/engine/branches).
 * The replay's journal goes to a temporary folder (replay, jump) or is ingested into the store like a recording
 * (resume, branch); the verdict is computed from the full journal either way.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENV } from '../../shared/trace/envProtocol.js';
import type { AnswerSource, DivergencePolicy, FallbackAnswer, ReplayVerdict, Tape, TapeCall } from '../../shared/trace/tape.js';
import { TRACE_FORMAT_VERSION, type RunMeta } from '../../shared/trace/types.js';
import { branchId, getBranch, runIsLive } from '../branches/branches.js';
import { branchParent, branchTape } from '../branches/branchTape.js';
import { AtrError, BadArgsError } from '../errors.js';
import { agentNodeArgs, type AgentExit, type AgentProcessOptions } from '../runner/agentProcess.js';
import { launchAgent } from '../runner/agentLaunch.js';
import { runTraced } from '../runner/tracedRun.js';
import { agentTraceHome } from '../settings/paths.js';
import { branchOverrides, resetBranchRun } from '../store/branchStore.js';
import { openStore, type TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';
import { describeExit, judge, type ReplayOutcome } from './replayOutcome.js';
import { firstLineDiff, hostVerdict, readReplayJournal, type ReplayJournal } from './replayJournal.js';
import { poolFromRuns } from './poolFromRuns.js';
import { replayEnv } from './replayEnv.js';
import { runWithTape } from './tapeDelivery.js';
import { checkStep, replaceResumeBranch, resumeBranchId, tapeFromStore, writeTapeFile, type TapeOptions } from './tapeFromStore.js';

export type ReplayMode = 'replay' | 'jump' | 'resume' | 'branch';

export interface ReplayOptions {
  /** Run id or a unique prefix of it. */
  runId: string;
  /** Jump (with offline) or resume from this step. */
  step?: number;
  /**
   * Run this branch of `runId` (its id, unique id prefix, or name: `<runId>__<name>`) with its edits. With `offline`
   * the first request the record cannot answer stops it (a divergence) instead of going live.
   */
  branch?: string;
  offline?: boolean;
  onDivergence?: DivergencePolicy;
  /**
   * Policy `fallback` (implied unless onDivergence is `live`): requests the recording cannot answer are answered from
   * the calls of `poolRunIds` (other runs of the script; same request, same answer), else with a synthesized reply
   * (LLM calls: `synthContent`, else the last recorded reply of the URL, else "OK"); nothing goes live. A caller that
   * runs many replays against the same runs (AutoFix) passes `pool` instead: those calls, built once by poolFromRuns.
   */
  fallback?: FallbackPool & { synthContent?: string };
  /** Source files the agent runs with these texts instead (absolute path → new UTF-8 text); the disk is untouched. */
  patchedFiles?: Record<string, string>;
  pace?: 'instant' | 'recorded';
  /** Run this script instead of the recorded path (it moved); resolved against `cwd`. */
  script?: string;
  node?: string;
  home?: string;
  /** An open store (else one is opened at home and closed at the end). */
  store?: TraceStore;
  /** Base environment of the agent (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Folder `script` is resolved against, and the fallback when the recorded folder is gone (default process.cwd()). */
  cwd?: string;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Each up-front notice (script changed, crashed trace, replaced branch), before the agent starts. */
  onNotice?: (message: string) => void;
  signal?: AbortSignal;
  killTimeoutMs?: number;
  forwardSignals?: boolean;
}

/** Where fallback answers come from: runs whose calls are read for this replay, or calls already read from them. */
export type FallbackPool = { poolRunIds?: string[]; pool?: never } | { pool: TapeCall[]; poolRunIds?: never };

export interface ReplayResult {
  runId: string;
  mode: ReplayMode;
  step?: number;
  exit: AgentExit;
  verdict: ReplayVerdict;
  /** Who produced the verdict: the replaying SDK, or the host from the replay's journal (the SDK wrote none). */
  verdictBy: 'sdk' | 'host';
  outcome: ReplayOutcome;
  notices: string[];
  recorded: { status: StoredRun['status']; steps: number; exitCode: number | null };
  /** When the output differs: its first differing stdout line (from the replay's console events). */
  stdoutDiff?: { line: number; expected?: string; actual?: string };
  /** Milliseconds from the replay's first to its last event (journal timestamps: real time, not the replayed clock). */
  spanMs?: number;
  /**
   * How the replay's requests were answered: from the recording, the pool (other runs), synthesized, or live. A
   * replay with pool or synth answers finished on simulated answers (the AutoFix "fixed (simulated)" verdict).
   */
  answered: Record<AnswerSource, number>;
  /** Each request answered from the pool or synthesized (policy fallback). */
  fallbackAnswers: FallbackAnswer[];
  /** The replay's uncaught error (its `error` event: seq and payload), when it ended on one. */
  error?: ReplayJournal['error'];
  /** Resume and branch: the branch run the continuation was recorded into (`edits`: branch mode only). */
  branch?: { id: string; status: StoredRun['status']; steps: number; exitCode: number | null; signal: string | null; forkSeq: number; edits?: number };
}

interface Prepared {
  /** The recorded run whose timeline is replayed (a branch's parent in branch mode). */
  run: StoredRun;
  /** Branch mode: the branch that is run. */
  branch?: StoredRun;
  mode: ReplayMode;
  script: string;
  cwd: string;
  notices: string[];
  /** The divergence policy in effect (`fallback` when fallback answers were asked for). */
  policy?: DivergencePolicy;
  /** What goes into the tape besides the recording: patched files, the fallback pool and synth content. */
  extras: Pick<TapeOptions, 'patchedFiles' | 'pool' | 'synth'>;
}

export async function replayRun(opts: ReplayOptions): Promise<ReplayResult> {
  const baseEnv = opts.env ?? process.env;
  const store = opts.store ?? openStore({ home: opts.home ?? agentTraceHome(baseEnv), env: baseEnv });
  try {
    const p = prepare(store, opts);
    for (const n of p.notices) opts.onNotice?.(n);
    if (p.mode === 'branch') return await runBranch(store, p, opts, baseEnv);
    return p.mode === 'resume' ? await resume(store, p, opts, baseEnv) : await replayOffline(store, p, opts, baseEnv);
  } finally {
    if (!opts.store) store.close();
  }
}

/** Every check that can fail before anything runs: run, step, script, SDK bundle. */
function prepare(store: TraceStore, opts: ReplayOptions): Prepared {
  const given = store.getRun(store.resolveRunId(opts.runId));
  let run = given;
  let branch: StoredRun | undefined;
  if (opts.branch !== undefined) {
    if (opts.step !== undefined) throw new BadArgsError('--branch and --step do not go together', 'a branch starts at its own fork step; to branch at step N: agenttrace branch create <id> --step N');
    branch = branchOf(store, given, opts.branch);
    run = branchParent(store, branch);
  } else if (opts.offline && opts.step === undefined) {
    throw new BadArgsError('--offline needs --step N (or --branch B)', 'e.g. agenttrace replay <id> --step 12 --offline');
  } else if (given.status === 'pending') {
    throw new BadArgsError(`branch ${given.id} has not run yet: there is nothing recorded to replay`, `run it: agenttrace replay ${store.lineage(given).root.id} --branch ${given.id}`);
  }
  if (opts.step !== undefined) checkStep(run, opts.step);
  const mode: ReplayMode = branch ? 'branch' : opts.step === undefined ? 'replay' : opts.offline ? 'jump' : 'resume';
  const here = path.resolve(opts.cwd ?? process.cwd());
  const script = opts.script ? path.resolve(here, opts.script) : run.scriptPath;
  let bytes: Buffer;
  try {
    if (!fs.statSync(script).isFile()) throw new Error('not a file');
    bytes = fs.readFileSync(script);
  } catch {
    throw opts.script
      ? new AtrError('ATR_SCRIPT_NOT_FOUND', `script not found: ${script}`, { hint: 'check --script PATH; it is resolved from the current directory', data: { scriptPath: script } })
      : new AtrError('ATR_SCRIPT_NOT_FOUND', `the script of run ${run.id} no longer exists: ${script}`, { hint: 'pass its new location with --script PATH', data: { scriptPath: script } });
  }
  agentNodeArgs(script); // a missing SDK bundle or tsx fails here, before any output
  const notices: string[] = [];
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (run.scriptSha256 && sha !== run.scriptSha256) notices.push(`script changed since recording (sha256 ${run.scriptSha256.slice(0, 12)} → ${sha.slice(0, 12)}); replaying anyway`);
  const lastStep = Math.max(0, run.steps - 1);
  if (run.status === 'crashed') notices.push(`the recorded run crashed${run.exitSignal ? ` (${run.exitSignal})` : ''} after step ${lastStep}: replaying up to the crash`);
  else if (run.status === 'running') notices.push(`the recorded run never finished (still running, or its host died) after step ${lastStep}: replaying what was recorded`);
  let cwd = run.cwd;
  if (!cwd || !isDir(cwd)) {
    notices.push(`the recorded working folder ${cwd || '(unknown)'} no longer exists; running in ${here}`);
    cwd = here;
  }
  const policy: DivergencePolicy | undefined = opts.fallback && opts.onDivergence !== 'live' ? 'fallback' : opts.onDivergence;
  const extras: Prepared['extras'] = {};
  if (opts.patchedFiles) extras.patchedFiles = absolutePatches(opts.patchedFiles, here);
  const pool = opts.fallback?.pool ?? (opts.fallback?.poolRunIds?.length ? poolFromRuns(store, opts.fallback.poolRunIds) : undefined);
  if (pool?.length) extras.pool = pool;
  if (opts.fallback?.synthContent !== undefined) extras.synth = { content: opts.fallback.synthContent };
  return { run, branch, mode, script, cwd, notices, policy, extras };
}

/** Patched file paths resolved against `here`; a path with no text is an error before anything runs. */
function absolutePatches(files: Record<string, string>, here: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, text] of Object.entries(files)) {
    if (typeof text !== 'string') throw new BadArgsError(`the patched text of ${file} is not a string`, 'pass each patched file as path → full new UTF-8 text');
    out[path.resolve(here, file)] = text;
  }
  return out;
}

/** The branch `ref` (id, unique prefix, or name) of the tree `run` belongs to; an error when it is not in that tree. */
function branchOf(store: TraceStore, run: StoredRun, ref: string): StoredRun {
  const named = branchId(run.id, ref);
  const branch = store.findRun(named) ? getBranch(store, named) : getBranch(store, ref);
  const root = store.lineage(branch).root.id;
  if (root !== store.lineage(run).root.id) {
    throw new BadArgsError(`branch ${branch.id} is not a branch of ${run.id}`, `run it with: agenttrace replay ${root} --branch ${branch.id}`);
  }
  return branch;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The agent's environment (src/engine/replay/replayEnv.ts); each variable it leaves out is a notice. */
function agentBaseEnv(p: Prepared, opts: ReplayOptions, baseEnv: NodeJS.ProcessEnv, canGoLive: boolean): NodeJS.ProcessEnv {
  const { env, notices } = replayEnv(p.run.env, baseEnv, canGoLive);
  for (const n of notices) notice(p, opts, n);
  return env;
}

function agentOptions(p: Prepared, opts: ReplayOptions): Omit<AgentProcessOptions, 'env'> {
  return {
    script: p.script,
    args: p.run.argv,
    cwd: p.cwd,
    node: opts.node,
    onStdout: opts.onStdout,
    onStderr: opts.onStderr,
    signal: opts.signal,
    killTimeoutMs: opts.killTimeoutMs,
    forwardSignals: opts.forwardSignals,
  };
}

async function replayOffline(store: TraceStore, p: Prepared, opts: ReplayOptions, baseEnv: NodeJS.ProcessEnv): Promise<ReplayResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-replay-'));
  try {
    const journal = path.join(dir, 'journal.ndjson');
    const { tape, exit } = await runWithTape({
      agent: agentOptions(p, opts),
      baseEnv: agentBaseEnv(p, opts, baseEnv, p.policy === 'live'),
      env: {
        [ENV.mode]: 'replay',
        [ENV.journal]: journal,
        [ENV.runId]: `${p.run.id}__replay`,
        [ENV.home]: store.home,
        [ENV.script]: p.script,
        [ENV.keyframeEvery]: String(p.run.keyframeEvery),
        [ENV.hostPid]: String(process.pid),
      },
      buildTape: () => tapeFromStore(store, p.run.id, { step: p.mode === 'jump' ? opts.step : undefined, after: 'stop', onDivergence: p.policy, pace: opts.pace, ...p.extras }),
      dir,
    });
    return finish(p, opts, tape, exit, readReplayJournal(journal));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function resume(store: TraceStore, p: Prepared, opts: ReplayOptions, baseEnv: NodeJS.ProcessEnv): Promise<ReplayResult> {
  const step = opts.step as number;
  const branchId = resumeBranchId(p.run.id, step);
  if (replaceResumeBranch(store, branchId)) notice(p, opts, `replaced the earlier resume ${branchId}`);
  const branch: NonNullable<Tape['branch']> = { id: branchId, parentId: p.run.id, forkSeq: step, name: `resume-${step}` };
  const tape = tapeFromStore(store, p.run.id, { step, after: 'live', onDivergence: p.policy, pace: opts.pace, branch, ...p.extras });
  return recordIntoBranch(store, p, opts, baseEnv, tape, 'resume', true);
}

/**
 * Branch mode: the parent's timeline with the branch's edits applied, served from the record while requests match
 * and live after the first divergence (`--offline`: stopped there), recorded into the branch run (events after its
 * fork only). An earlier run of the branch is replaced; its row, edits and branches stay.
 */
async function runBranch(store: TraceStore, p: Prepared, opts: ReplayOptions, baseEnv: NodeJS.ProcessEnv): Promise<ReplayResult> {
  const b = p.branch as StoredRun;
  if (runIsLive(store, b)) throw new AtrError('ATR_BAD_ARGS', `branch ${b.id} is running right now`, { hint: 'wait for it to finish, then run it again' });
  const children = store.childRunIds(b.id);
  if (b.status !== 'pending') notice(p, opts, `replacing the earlier run of ${b.id}${children.length ? ` (its ${children.length} branch${children.length === 1 ? '' : 'es'} will fork from the new run)` : ''}`);
  // `--on-divergence stop` means the same as --offline here: nothing may go live (nor under fallback).
  const offline = Boolean(opts.offline) || p.policy === 'stop';
  const fallback = p.policy === 'fallback';
  // Built before the old run is cleared: an edit that no longer fits fails with nothing changed.
  const tape = branchTape(store, b, { offline, fallback, pace: opts.pace, ...p.extras });
  resetBranchRun(store, b.id);
  const result = await recordIntoBranch(store, p, opts, baseEnv, tape, 'branch', !offline && !fallback);
  if (result.branch) result.branch.edits = branchOverrides(b).size;
  return result;
}

function notice(p: Prepared, opts: ReplayOptions, message: string): void {
  p.notices.push(message);
  opts.onNotice?.(message);
}

/** Runs the agent on `tape` while its journal is ingested into the branch run `tape.branch` (resume, branch). */
async function recordIntoBranch(
  store: TraceStore,
  p: Prepared,
  opts: ReplayOptions,
  baseEnv: NodeJS.ProcessEnv,
  tape: Tape,
  mode: 'resume' | 'branch',
  canGoLive: boolean,
): Promise<ReplayResult> {
  const branch = tape.branch as NonNullable<Tape['branch']>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-replay-'));
  try {
    const tapeFile = writeTapeFile(tape, dir);
    const fallbackMeta: RunMeta = {
      id: branch.id,
      name: branch.name,
      parentId: p.run.id,
      forkSeq: branch.forkSeq,
      scriptPath: p.script,
      scriptSha256: p.run.scriptSha256,
      argv: p.run.argv,
      cwd: p.cwd,
      env: {},
      nodeVersion: '',
      sdkVersion: '',
      formatVersion: TRACE_FORMAT_VERSION,
      mode,
      keyframeEvery: p.run.keyframeEvery,
      startedAt: Date.now(),
      pid: 0,
    };
    const launched = launchAgent({
      home: store.home,
      runId: branch.id,
      baseEnv: agentBaseEnv(p, opts, baseEnv, canGoLive),
      env: { [ENV.mode]: 'replay', [ENV.tape]: tapeFile, [ENV.keyframeEvery]: String(p.run.keyframeEvery), [ENV.name]: branch.name },
      agent: agentOptions(p, opts),
    });
    const traced = await runTraced({
      store,
      launched,
      fallbackMeta,
      keepAfterSeq: branch.forkSeq,
      metaOverrides: { parentId: p.run.id, forkSeq: branch.forkSeq, mode, name: branch.name },
      keepJournal: true,
    });
    // The full journal (events before the fork included) is what the verdict is computed from; then it goes.
    let journal: ReplayJournal;
    try {
      journal = readReplayJournal(traced.journal);
    } finally {
      traced.release();
    }
    const { exit, run } = traced;
    const result = finish(p, opts, tape, exit, journal);
    result.branch = { id: run.id, status: run.status, steps: run.steps, exitCode: run.exitCode, signal: run.exitSignal, forkSeq: branch.forkSeq };
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function finish(p: Prepared, opts: ReplayOptions, tape: Tape, exit: AgentExit, j: ReplayJournal): ReplayResult {
  const verdictBy = j.verdict ? 'sdk' : 'host';
  const verdict = j.verdict ?? hostVerdict(tape, j);
  // The SDK writes the state check and divergence as their own records too; keep them on the verdict.
  if (!verdict.state && j.verification) verdict.state = j.verification;
  if (!verdict.divergence && j.divergence) verdict.divergence = j.divergence;
  const outcome: ReplayOutcome = j.empty
    ? { kind: 'failed', why: `the agent wrote no replay journal: the SDK did not start in replay mode (${describeExit(exit)})` }
    : judge({ mode: p.mode, tape, exit, verdict, sdkVerdict: verdictBy === 'sdk', recordedExitCode: p.run.exitCode });
  const result: ReplayResult = {
    runId: p.run.id,
    mode: p.mode,
    exit,
    verdict,
    verdictBy,
    outcome,
    notices: p.notices,
    recorded: { status: p.run.status, steps: p.run.steps, exitCode: p.run.exitCode },
    answered: verdict.answered ?? j.answered,
    fallbackAnswers: verdict.fallbackAnswers ?? [],
  };
  if (opts.step !== undefined) result.step = opts.step;
  if (j.firstTs !== undefined && j.lastTs !== undefined) result.spanMs = j.lastTs - j.firstTs;
  if (j.error) result.error = j.error;
  if (!verdict.stdoutIdentical) {
    // A jump compares only the output up to its step: the replay's must then be a beginning of the recorded one.
    const expected = tape.untilSeq === undefined ? tape.stdout : tape.stdout.slice(0, j.stdout.length);
    const diff = firstLineDiff(expected, j.stdout);
    if (diff) result.stdoutDiff = diff;
  }
  return result;
}
