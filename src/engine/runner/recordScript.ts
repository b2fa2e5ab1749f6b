/**
 * `record`: runs an unmodified agent script under the SDK and ingests its journal into the store while it runs.
 * The agent is the user's own `node` with `--import <our register.mjs>` (and our tsx for TypeScript); its stdio is
 * passed through untouched (inherited, or piped to callbacks for the workbench) and its exit code is reported.
 * Spawning lives in agentProcess.ts, the live journal tail and crash safety in tracedRun.ts (shared with replay).
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ENV } from '../../shared/trace/envProtocol.js';
import { TRACE_FORMAT_VERSION, type RunMeta, type RunStatus, type TokenUsage } from '../../shared/trace/types.js';
import { BadArgsError, ScriptNotFoundError } from '../errors.js';
import { agentTraceHome } from '../settings/paths.js';
import { openStore, type TraceStore } from '../store/store.js';
import { agentNodeArgs, shellExitCode } from './agentProcess.js';
import { runTraced } from './tracedRun.js';

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
  // Resolved before anything is written: a missing SDK bundle or tsx fails here with a clear error.
  agentNodeArgs(script);

  const baseEnv = opts.env ?? process.env;
  const home = opts.home ?? agentTraceHome(baseEnv);
  const store = opts.store ?? openStore({ home, nativeBinding: opts.nativeBinding, env: baseEnv });
  try {
    return await runAgent({ ...opts, cwd, script, keyframeEvery, home: store.home }, store, scriptBytes);
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

async function runAgent(o: Resolved, store: TraceStore, scriptBytes: Buffer): Promise<RecordResult> {
  const runId = randomUUID();
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
  const { exit, run } = await runTraced({
    store,
    runId,
    fallbackMeta,
    baseEnv: o.env ?? process.env,
    env: { [ENV.mode]: 'record', [ENV.keyframeEvery]: String(o.keyframeEvery), [ENV.name]: o.name || undefined },
    agent: {
      script: o.script,
      args: o.args ?? [],
      cwd: o.cwd,
      node: o.node,
      onStdout: o.onStdout,
      onStderr: o.onStderr,
      onSpawn: (pid) => o.onStart?.({ runId, pid }),
      signal: o.signal,
      killTimeoutMs: o.killTimeoutMs,
      forwardSignals: o.forwardSignals,
    },
    pollMs: o.pollMs,
  });
  return { id: runId, status: run.status, exitCode: exit.code, signal: exit.signal, steps: run.steps, llmCalls: run.llmCalls, tokens: run.usage, warnings: run.warnings };
}

/** The conventional shell exit code for a process killed by a signal (128 + signal number). */
export function exitCodeFor(result: Pick<RecordResult, 'exitCode' | 'signal'>): number {
  return shellExitCode({ code: result.exitCode, signal: result.signal });
}
