/**
 * Starting an agent process under the SDK, shared by `record` (recordScript.ts) and `replay` (engine/replay): the
 * user's script runs in the user's `node` with `--import <our register.mjs>` (and our tsx first for TypeScript), its
 * stdio passed through untouched (inherited, or piped to callbacks for the workbench), SIGINT/SIGTERM/SIGHUP of the
 * host relayed to it, and an AbortSignal stopping it with SIGTERM, then SIGKILL after a timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { HOST_OWNED_ENV } from '../../shared/trace/envProtocol.js';
import { SpawnError } from '../errors.js';
import { needsTsx, registerImportUrl, tsxImportUrl } from './sdkPaths.js';

export interface AgentProcessOptions {
  /** Absolute path of the agent script. */
  script: string;
  args: string[];
  cwd: string;
  /** The complete environment of the agent (build it with agentEnv). */
  env: NodeJS.ProcessEnv;
  /** The agent's node binary (default: the node running AgentTrace). */
  node?: string;
  /** When set, the agent's stdout is piped to this callback instead of inherited. */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Called once the process is spawned. */
  onSpawn?: (pid: number | undefined) => void;
  /** Aborting stops the agent: SIGTERM, then SIGKILL after killTimeoutMs. */
  signal?: AbortSignal;
  killTimeoutMs?: number;
  /** Relay SIGINT/SIGTERM/SIGHUP received by this process to the agent (the CLI does; an embedding host may not). */
  forwardSignals?: boolean;
  /** Give the agent a pipe as fd 3 (`child.stdio[3]`, written by the host; e.g. the replay tape, see replayRun). */
  pipeFd3?: boolean;
}

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AgentProcess {
  child: ChildProcess;
  /** Resolves when the agent's stdio closed; rejects with SpawnError when it could not be started. */
  exit: Promise<AgentExit>;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The agent's environment: the base environment without host-owned AGENTTRACE_* variables, plus `ours`. */
export function agentEnv(base: NodeJS.ProcessEnv, ours: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of HOST_OWNED_ENV) delete env[k];
  for (const [k, v] of Object.entries(ours)) if (v !== undefined) env[k] = v;
  return env;
}

/** Node's `--import` arguments that load the SDK (and tsx first for TypeScript agents). */
export function agentNodeArgs(script: string): string[] {
  const imports = [...(needsTsx(script) ? [tsxImportUrl()] : []), registerImportUrl()];
  return imports.flatMap((u) => ['--import', u]);
}

/** Spawns the agent. Throws SpawnError when it cannot even be started synchronously. */
export function startAgentProcess(o: AgentProcessOptions): AgentProcess {
  const node = o.node ?? process.execPath;
  const argv = [...agentNodeArgs(o.script), o.script, ...o.args];
  let child: ChildProcess;
  try {
    const stdio: ('inherit' | 'pipe')[] = ['inherit', o.onStdout ? 'pipe' : 'inherit', o.onStderr ? 'pipe' : 'inherit'];
    if (o.pipeFd3) stdio.push('pipe');
    child = spawn(node, argv, { cwd: o.cwd, env: o.env, stdio });
  } catch (e) {
    throw new SpawnError(node, e);
  }
  if (o.onStdout) child.stdout?.on('data', o.onStdout);
  if (o.onStderr) child.stderr?.on('data', o.onStderr);

  const relay = (sig: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  // Ctrl-C in a terminal already reaches the agent (same foreground process group); relaying it would deliver a
  // second SIGINT, which agents with graceful shutdown treat as "force quit". Our handler still keeps this process
  // alive until the agent has exited and its journal is read.
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
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });

  const exit = new Promise<AgentExit>((resolve, reject) => {
    child.once('error', (e) => reject(new SpawnError(node, e)));
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('spawn', () => o.onSpawn?.(child.pid));
  }).finally(() => {
    if (o.forwardSignals) for (const s of FORWARDED) process.off(s, onSignal);
    o.signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
  });
  return { child, exit };
}

/** The conventional shell exit code for a process killed by a signal (128 + signal number). */
export function shellExitCode(exit: AgentExit): number {
  if (exit.code !== null) return exit.code;
  const n = exit.signal ? os.constants.signals[exit.signal] : undefined;
  return n ? 128 + n : 1;
}
