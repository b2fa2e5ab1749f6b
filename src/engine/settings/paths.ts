/**
 * Where AgentTrace keeps its data: `$AGENTTRACE_HOME` (default `~/.agenttrace`) holds the store `traces.db` (shared
 * by the CLI and the workbench) and `journals/`, the append-only files agents write while they run.
 */
import os from 'node:os';
import path from 'node:path';
import { HOME_DIR_NAME, parseAgentEnv } from '../../shared/trace/envProtocol.js';

/** The AgentTrace home folder for an environment (absolute). */
export function agentTraceHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(parseAgentEnv(env).home ?? path.join(os.homedir(), HOME_DIR_NAME));
}

export function storeFile(home: string): string {
  return path.join(home, 'traces.db');
}

export function journalsDir(home: string): string {
  return path.join(home, 'journals');
}

/** The journal an agent writes for a run (the SDK computes the same path in environment-variable mode). */
export function journalFile(home: string, runId: string): string {
  return path.join(journalsDir(home), `${runId}.ndjson`);
}

/** The host sidecar: written by the runner that owns a live journal, so recovery leaves it alone. */
export function hostFile(home: string, runId: string): string {
  return path.join(journalsDir(home), `${runId}.host.json`);
}
