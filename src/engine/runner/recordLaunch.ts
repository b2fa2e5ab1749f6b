/**
 * The first half of `record`: check the script and the options, then launch the agent gated (agentLaunch.ts), so
 * node and the SDK start while the host opens its store. recordScript.ts is the second half (store, ingest, result).
 * Light on purpose: the CLI calls this before it loads the store and the rest of the engine.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ENV } from '../../shared/trace/envProtocol.js';
import { TRACE_FORMAT_VERSION, type RunMeta } from '../../shared/trace/types.js';
import { BadArgsError, ScriptNotFoundError } from '../errors.js';
import { agentTraceHome } from '../settings/paths.js';
import type { TraceStore } from '../store/store.js';
import { launchAgent, type LaunchedAgent } from './agentLaunch.js';
import { agentNodeArgs } from './agentProcess.js';

export interface RecordOptions {
  script: string;
  args?: string[];
  keyframeEvery?: number;
  /** The agent's node binary (default: the node running AgentTrace). */
  node?: string;
  name?: string;
  /** AgentTrace home (default: the store's, else agentTraceHome(env)). */
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

/** A recording whose agent is starting, held before its own code until the host takes its journal. */
export interface RecordLaunch {
  launched: LaunchedAgent;
  /** Stored when the journal never gets a run line (the agent died at startup). */
  fallbackMeta: RunMeta;
}

/** Checks the script and options and launches the agent. Throws (nothing started) on bad input. */
export function launchRecording(opts: RecordOptions): RecordLaunch {
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
  const runId = randomUUID();
  const fallbackMeta: RunMeta = {
    id: runId,
    name: opts.name,
    scriptPath: script,
    scriptSha256: createHash('sha256').update(scriptBytes).digest('hex'),
    argv: opts.args ?? [],
    cwd,
    env: {},
    nodeVersion: '',
    sdkVersion: '',
    formatVersion: TRACE_FORMAT_VERSION,
    mode: 'record',
    keyframeEvery,
    startedAt: Date.now(),
    pid: 0,
  };
  const launched = launchAgent({
    home: opts.store?.home ?? path.resolve(opts.home ?? agentTraceHome(baseEnv)),
    runId,
    baseEnv,
    env: { [ENV.mode]: 'record', [ENV.keyframeEvery]: String(keyframeEvery), [ENV.name]: opts.name || undefined },
    agent: {
      script,
      args: opts.args ?? [],
      cwd,
      node: opts.node,
      onStdout: opts.onStdout,
      onStderr: opts.onStderr,
      onSpawn: (pid) => opts.onStart?.({ runId, pid }),
      signal: opts.signal,
      killTimeoutMs: opts.killTimeoutMs,
      forwardSignals: opts.forwardSignals,
    },
    gated: true,
  });
  return { launched, fallbackMeta };
}
