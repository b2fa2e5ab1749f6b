/**
 * Regression tests from recordings (`agenttrace test`): a recorded run is the baseline; the test replays it offline
 * against the script as it is on disk NOW (its recorded inputs — LLM and HTTP replies, random values, clock reads —
 * are served from the recording), and passes when the replay is identical: same requests, same output, same exit
 * code. The first difference is the failure, with the request that changed next to the recorded one.
 *
 * A baseline is a run in the store (id or unique prefix) or a `.agenttrace` trace file (imported into the store
 * first; importing twice changes nothing). A file is what a CI job uses: it is committed with the code, and
 * `updateBaseline` rewrites it in place, like a snapshot file. A run id baseline is replaced by a new run id.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AtrError, BadArgsError, toAtrError } from '../errors.js';
import { recordScript } from '../runner/recordScript.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';
import { exportTrace } from '../traceFile/exportTrace.js';
import { importTraceFile } from '../traceFile/importTrace.js';
import { replayRun } from './replayRun.js';
import { failureLines } from './regressionText.js';

/** What a test names: a run of the store, or a trace file holding it. */
export interface Baseline {
  /** As the user wrote it. */
  ref: string;
  runId: string;
  /** Absolute path of the trace file the run came from. */
  file?: string;
}

export interface RegressionOptions {
  store: TraceStore;
  /** Folder of the command: trace files and moved scripts are resolved against it. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Node binary for the agent (default: this node). */
  node?: string;
}

export type CaseStatus = 'passed' | 'failed' | 'error';

export interface RegressionCase {
  baseline: Baseline;
  /** The script that ran, relative to cwd when inside it. */
  script: string;
  status: CaseStatus;
  /** One line: why it passed or failed. */
  summary: string;
  /** The failure report (empty when passed): step, kind, recorded vs current request, a -/+ diff per field. */
  details: string[];
  /** The agent's stdout and stderr during the replay. */
  output: string;
  durationMs: number;
}

export interface UpdatedBaseline {
  baseline: Baseline;
  /** The new recording. */
  runId: string;
  status: StoredRun['status'];
  exitCode: number | null;
  output: string;
}

const TRACE_FILE = /\.agenttrace$/i;

/** A run id (or prefix), or a `.agenttrace` file imported into the store; an unknown one is a usage error. */
export async function resolveBaseline(store: TraceStore, ref: string, cwd: string): Promise<Baseline> {
  if (TRACE_FILE.test(ref)) {
    const file = path.resolve(cwd, ref);
    if (!fs.existsSync(file)) throw new BadArgsError(`trace file not found: ${ref}`, 'record one and save it with `agenttrace export <id> -o FILE`');
    try {
      const imported = await importTraceFile(store, file, { display: ref });
      return { ref, runId: imported.focus, file };
    } catch (e) {
      throw new BadArgsError(toAtrError(e).toLine());
    }
  }
  try {
    return { ref, runId: store.resolveRunId(ref) };
  } catch (e) {
    const err = toAtrError(e);
    throw err instanceof BadArgsError ? err : new BadArgsError(err.message, err.hint ?? 'run `agenttrace list` to see the recorded runs, or pass a .agenttrace file');
  }
}

/** Replays the baseline offline against the script's current code and judges it. Never throws for the run's sake. */
export async function runRegressionCase(baseline: Baseline, opts: RegressionOptions): Promise<RegressionCase> {
  const started = Date.now();
  const run = opts.store.getRun(baseline.runId);
  const output: Buffer[] = [];
  let shown = displayPath(run.scriptPath, opts.cwd);
  try {
    const script = scriptNow(run, baseline, opts.cwd);
    shown = displayPath(script, opts.cwd);
    const result = await replayRun({
      runId: run.id,
      script,
      store: opts.store,
      env: opts.env,
      cwd: opts.cwd,
      node: opts.node,
      onStdout: (c) => output.push(c),
      onStderr: (c) => output.push(c),
    });
    const passed = result.outcome.kind === 'verified';
    const lines = passed ? [] : failureLines(result);
    return {
      baseline,
      script: shown,
      status: passed ? 'passed' : 'failed',
      summary: passed ? `passed: replay identical (${result.verdict.matched} events matched, same output and exit code)` : (lines[0] ?? 'failed'),
      details: lines.slice(1),
      output: Buffer.concat(output).toString('utf8'),
      durationMs: Date.now() - started,
    };
  } catch (e) {
    const err = toAtrError(e);
    return { baseline, script: shown, status: 'error', summary: err.toLine(), details: [], output: Buffer.concat(output).toString('utf8'), durationMs: Date.now() - started };
  }
}

/**
 * `--update`: records the baseline's script again, live (same arguments), and makes the new run the baseline: a
 * trace file is rewritten in place with it (that run only); a run id baseline is replaced by the new run's id.
 */
export async function updateBaseline(baseline: Baseline, opts: RegressionOptions): Promise<UpdatedBaseline> {
  const run = opts.store.getRun(baseline.runId);
  const script = scriptNow(run, baseline, opts.cwd);
  const output: Buffer[] = [];
  const recorded = await recordScript({
    script,
    args: run.argv,
    cwd: isDir(run.cwd) && !baseline.file ? run.cwd : opts.cwd,
    name: run.name,
    keyframeEvery: run.keyframeEvery,
    node: opts.node,
    env: opts.env,
    store: opts.store,
    onStdout: (c) => output.push(c),
    onStderr: (c) => output.push(c),
  });
  if (baseline.file) {
    await exportTrace(opts.store, recorded.id, { out: baseline.file, display: baseline.ref, only: true, force: true, env: opts.env });
  }
  return { baseline, runId: recorded.id, status: recorded.status, exitCode: recorded.exitCode, output: Buffer.concat(output).toString('utf8') };
}

/**
 * The script to run now. A run of the store keeps its recorded path when it still exists. A trace file's run is a
 * committed baseline: its script is looked up in the current checkout first (the recorded path relative to the
 * recorded folder, taken from the command's folder), so it works in CI where the recording machine's paths do not.
 */
function scriptNow(run: StoredRun, baseline: Baseline, cwd: string): string {
  const rel = run.cwd ? path.relative(run.cwd, run.scriptPath) : path.basename(run.scriptPath);
  const here = path.isAbsolute(rel) ? undefined : path.resolve(cwd, rel);
  const candidates = baseline.file ? [here, run.scriptPath] : [run.scriptPath, here];
  const found = candidates.find((p): p is string => p !== undefined && isFile(p));
  if (!found) {
    throw new AtrError('ATR_SCRIPT_NOT_FOUND', `the script of run ${run.id} is not found: ${here ?? run.scriptPath}`, {
      hint: 'run agenttrace test from the folder the run was recorded in (usually the repository root)',
      data: { scriptPath: run.scriptPath },
    });
  }
  return found;
}

function displayPath(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return Boolean(p) && fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
