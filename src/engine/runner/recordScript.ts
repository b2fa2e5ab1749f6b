/**
 * `record`: runs an unmodified agent script under the SDK and ingests its journal into the store while it runs.
 * The agent is the user's own `node` with `--import <our register.mjs>` (and our tsx for TypeScript); its stdio is
 * passed through untouched (inherited, or piped to callbacks for the workbench) and its exit code is reported.
 * Crash safety: the journal is tailed every ~50 ms, each poll committed with its byte offset, so a SIGKILL of this
 * host loses nothing that reached the journal (recovery resumes at the offset), and the live store lags ~50 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TRACE_FORMAT_VERSION, type RunMeta, type RunStatus, type TokenUsage } from '../../shared/trace/types.js';
import { BadArgsError, ScriptNotFoundError, SpawnError } from '../errors.js';
import { agentTraceHome, hostFile, journalFile, journalsDir } from '../settings/paths.js';
import { openStore, type TraceStore } from '../store/store.js';
import { removeQuietly, writeSidecar } from './hostSidecar.js';
import { JournalTail } from './journalTail.js';
import { needsTsx, registerImportUrl, tsxImportUrl } from './sdkPaths.js';

export interface RecordOptions {
  script: string;
  args?: string[];
  keyframeEvery?: number;
  /** The agent's node binary (default: the node running AgentTrace). */
  node?: string;
  name?: string;
  /** AgentTrace home (default agentTraceHome(env)). */
  home?: string;
  cwd?: string;
  /** Base environment of the agent (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** An open store to write into (else one is opened at home and closed at the end). */
  store?: TraceStore;
  nativeBinding?: string;
  /** When set, the agent's stdout is piped to this callback instead of inherited. */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Called once the agent is spawned. */
  onStart?: (info: { runId: string; pid: number | undefined }) => void;
  /** Aborting stops the agent: SIGTERM, then SIGKILL after killTimeoutMs. */
  signal?: AbortSignal;
  killTimeoutMs?: number;
  /** Relay SIGINT/SIGTERM/SIGHUP received by this process to the agent (the CLI does; an embedding host may not). */
  forwardSignals?: boolean;
  pollMs?: number;
}

export interface RecordResult {
  id: string;
  status: RunStatus;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  steps: number;
  llmCalls: number;
  tokens: TokenUsage;
  warnings: string[];
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function recordScript(opts: RecordOptions): Promise<RecordResult> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const script = path.resolve(cwd, opts.script);
  let scriptBytes: Buffer;
  try {
    if (!fs.statSync(script).isFile()) throw new Error('not a file');
    scriptBytes = fs.readFileSync(script);
  } catch {
    throw new ScriptNotFoundError(script);
  }
  const keyframeEvery = opts.keyframeEvery ?? 10;
  if (!Number.isInteger(keyframeEvery) || keyframeEvery < 1) throw new BadArgsError(`--keyframe-every must be a positive integer, got ${String(opts.keyframeEvery)}`);
  const imports = [...(needsTsx(script) ? [tsxImportUrl()] : []), registerImportUrl()];

  const baseEnv = opts.env ?? process.env;
  const home = opts.home ?? agentTraceHome(baseEnv);
  const store = opts.store ?? openStore({ home, nativeBinding: opts.nativeBinding, env: baseEnv });
  try {
    return await runAgent({ ...opts, cwd, script, keyframeEvery, home: store.home }, store, scriptBytes, imports);
  } finally {
    if (!opts.store) store.close();
  }
}

interface Resolved extends RecordOptions {
  cwd: string;
  script: string;
  keyframeEvery: number;
  home: string;
}

async function runAgent(o: Resolved, store: TraceStore, scriptBytes: Buffer, imports: string[]): Promise<RecordResult> {
  const runId = randomUUID();
  const journal = journalFile(o.home, runId);
  fs.mkdirSync(journalsDir(o.home), { recursive: true });
  // The sidecar must exist before the journal can: recovery in another process then never touches a live run.
  writeSidecar(o.home, { runId, hostPid: process.pid, startedAt: Date.now() });

  const fallbackMeta: RunMeta = {
    id: runId,
    name: o.name,
    scriptPath: o.script,
    scriptSha256: createHash('sha256').update(scriptBytes).digest('hex'),
    argv: o.args ?? [],
    cwd: o.cwd,
    env: {},
    nodeVersion: '',
    sdkVersion: '',
    formatVersion: TRACE_FORMAT_VERSION,
    mode: 'record',
    keyframeEvery: o.keyframeEvery,
    startedAt: Date.now(),
    pid: 0,
  };
  const ingestor = store.ingestor(runId, { fallbackMeta, hostPid: process.pid });
  const tail = new JournalTail(journal, ingestor);

  const env: NodeJS.ProcessEnv = {
    ...(o.env ?? process.env),
    AGENTTRACE_MODE: 'record',
    AGENTTRACE_JOURNAL: journal,
    AGENTTRACE_RUN_ID: runId,
    AGENTTRACE_KEYFRAME_EVERY: String(o.keyframeEvery),
    AGENTTRACE_HOME: o.home,
    AGENTTRACE_SCRIPT: o.script,
    AGENTTRACE_HOST_PID: String(process.pid),
  };
  if (o.name) env.AGENTTRACE_NAME = o.name;
  else delete env.AGENTTRACE_NAME;

  const node = o.node ?? process.execPath;
  const argv = [...imports.flatMap((u) => ['--import', u]), o.script, ...(o.args ?? [])];
  let child: ChildProcess;
  try {
    child = spawn(node, argv, {
      cwd: o.cwd,
      env,
      stdio: ['inherit', o.onStdout ? 'pipe' : 'inherit', o.onStderr ? 'pipe' : 'inherit'],
    });
  } catch (e) {
    removeQuietly(hostFile(o.home, runId));
    throw new SpawnError(node, e);
  }
  if (o.onStdout) child.stdout?.on('data', o.onStdout);
  if (o.onStderr) child.stderr?.on('data', o.onStderr);

  const warnings: string[] = [];
  const poll = (): void => {
    try {
      tail.poll(false);
    } catch (e) {
      // A busy or failing store must not stop the agent: the journal keeps everything, the final ingest retries.
      const msg = e instanceof Error ? e.message : String(e);
      if (!warnings.includes(msg)) warnings.push(msg);
    }
  };
  const timer = setInterval(poll, o.pollMs ?? 50);

  const relay = (sig: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  // Ctrl-C in a terminal already reaches the agent (same foreground process group); relaying it would deliver a
  // second SIGINT, which agents with graceful shutdown treat as "force quit". Our handler still keeps this process
  // alive until the agent has exited and its journal is ingested.
  const onTerminal = Boolean(process.stdin.isTTY || process.stdout.isTTY || process.stderr.isTTY);
  const onSignal = (sig: NodeJS.Signals): void => {
    if (sig === 'SIGINT' && onTerminal) return;
    relay(sig);
  };
  if (o.forwardSignals) for (const s of FORWARDED) process.on(s, onSignal);
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    relay('SIGTERM');
    killTimer = setTimeout(() => relay('SIGKILL'), o.killTimeoutMs ?? 5000);
    killTimer.unref();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });

  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await new Promise((resolve, reject) => {
      child.once('error', (e) => reject(new SpawnError(node, e)));
      child.once('close', (code, signal) => resolve({ code, signal }));
      child.once('spawn', () => o.onStart?.({ runId, pid: child.pid }));
    });
  } catch (e) {
    clearInterval(timer);
    removeQuietly(hostFile(o.home, runId));
    throw e;
  } finally {
    if (o.forwardSignals) for (const s of FORWARDED) process.off(s, onSignal);
    o.signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
  }
  clearInterval(timer);

  // Final ingest. If it throws, the journal and sidecar stay: recovery finishes the job once this host is gone.
  tail.poll(true);
  ingestor.ensureRunRow();
  for (const seq of ingestor.orphanPatches) warnings.push(`patch for event ${seq} had no event (journal damaged)`);
  const end = ingestor.end;
  const status: RunStatus = end ? end.status : exit.signal ? 'crashed' : exit.code === 0 ? 'ok' : 'failed';
  store.finishRun(runId, { status, exit: { code: exit.code, signal: exit.signal }, endedAt: end?.endedAt ?? Date.now(), steps: end?.steps });
  if (warnings.length > 0) ingestor.addWarningsTxn(warnings);
  removeQuietly(journal);
  removeQuietly(hostFile(o.home, runId));

  const run = store.getRun(runId);
  return { id: runId, status: run.status, exitCode: exit.code, signal: exit.signal, steps: run.steps, llmCalls: run.llmCalls, tokens: run.usage, warnings: run.warnings };
}

/** The conventional shell exit code for a process killed by a signal (128 + signal number). */
export function exitCodeFor(result: Pick<RecordResult, 'exitCode' | 'signal'>): number {
  if (result.exitCode !== null) return result.exitCode;
  const n = result.signal ? os.constants.signals[result.signal] : undefined;
  return n ? 128 + n : 1;
}
