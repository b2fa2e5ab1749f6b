/**
 * Launching an agent whose journal a host will ingest (record, resume): the host sidecar first (recovery in another
 * process then never touches a live run), then the agent with the journal variables set.
 *
 * A gated launch (POSIX) holds the agent at the SDK's start gate (ENV.hostReady, a pipe on its fd 3): node and the
 * SDK start while the host loads its store, and the agent's code runs only after `start()`. A host that cannot take
 * the run calls `abort()`: the agent is stopped before any of its code ran, and nothing of the run is left.
 * Light on purpose (no store, no SQLite): `agenttrace record` launches before loading the rest of the engine.
 */
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { ENV } from '../../shared/trace/envProtocol.js';
import { hostFile, journalFile, journalsDir } from '../settings/paths.js';
import { agentEnv, startAgentProcess, type AgentProcess, type AgentProcessOptions } from './agentProcess.js';
import { removeQuietly, writeSidecar } from './hostSidecar.js';

const HOST_READY_PIPE = process.platform === 'win32' ? undefined : '/dev/fd/3';

export interface LaunchOptions {
  /** AgentTrace home: where the journal and its sidecar go. */
  home: string;
  runId: string;
  /** How to start the agent; its environment is `baseEnv` plus `env` plus the journal variables set here. */
  agent: Omit<AgentProcessOptions, 'env' | 'pipeFd3'>;
  baseEnv: NodeJS.ProcessEnv;
  env: Record<string, string | undefined>;
  /** Hold the agent's code until start() (record mode only: the SDK's record start reads the gate). */
  gated?: boolean;
}

export interface LaunchedAgent {
  runId: string;
  home: string;
  journal: string;
  agent: AgentProcess;
  /** Lets a gated agent's code run (nothing to do for an ungated one). Call once the journal can be taken. */
  start(): void;
  /** The host cannot take the run: stops the agent and removes its journal and sidecar. */
  abort(): Promise<void>;
}

/** Writes the sidecar and starts the agent. Throws SpawnError when it cannot even be started. */
export function launchAgent(o: LaunchOptions): LaunchedAgent {
  const { home, runId } = o;
  const journal = journalFile(home, runId);
  fs.mkdirSync(journalsDir(home), { recursive: true });
  // The sidecar must exist before the journal can: recovery in another process then never touches a live run.
  writeSidecar(home, { runId, hostPid: process.pid, startedAt: Date.now() });
  const gate = o.gated ? HOST_READY_PIPE : undefined;
  const env = agentEnv(o.baseEnv, {
    ...o.env,
    [ENV.journal]: journal,
    [ENV.runId]: runId,
    [ENV.home]: home,
    [ENV.script]: o.agent.script,
    [ENV.hostPid]: String(process.pid),
    [ENV.hostReady]: gate,
  });
  const cleanUp = (): void => {
    removeQuietly(journal);
    removeQuietly(hostFile(home, runId));
  };
  let agent: AgentProcess;
  try {
    agent = startAgentProcess({ ...o.agent, env, pipeFd3: Boolean(gate) });
  } catch (e) {
    cleanUp();
    throw e;
  }
  // Awaited once the host is ready (runTraced); a spawn failure reported before then is not an unhandled rejection.
  agent.exit.catch(() => undefined);
  const pipe = gate ? (agent.child.stdio[3] as Writable | null | undefined) : undefined;
  // An agent that died before reading the gate makes the write fail: its exit tells the rest.
  pipe?.on('error', () => undefined);
  return {
    runId,
    home,
    journal,
    agent,
    start: () => {
      if (pipe && !pipe.writableEnded) pipe.end('go');
    },
    abort: async () => {
      // Gated: the agent is still in the SDK's setup (or reading the gate), none of its code ran.
      pipe?.destroy();
      agent.child.kill('SIGKILL');
      await agent.exit.catch(() => undefined);
      cleanUp();
    },
  };
}
