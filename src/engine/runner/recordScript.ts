/**
 * `record`: runs an unmodified agent script under the SDK and ingests its journal into the store while it runs.
 * The agent is the user's own `node` with `--import <our register.mjs>` (and our tsx for TypeScript); its stdio is
 * passed through untouched (inherited, or piped to callbacks for the workbench) and its exit code is reported.
 * Checking the input and launching live in recordLaunch.ts (the agent starts while the store opens), spawning in
 * agentProcess.ts, the live journal tail and crash safety in tracedRun.ts (shared with replay).
 */
import type { RunStatus, TokenUsage } from '../../shared/trace/types.js';
import { openStore, type TraceStore } from '../store/store.js';
import { shellExitCode } from './agentProcess.js';
import { launchRecording, type RecordLaunch, type RecordOptions } from './recordLaunch.js';
import { runTraced } from './tracedRun.js';

export type { RecordOptions } from './recordLaunch.js';

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

/** Records a script: launches it, opens the store meanwhile (unless given), ingests its run. */
export async function recordScript(opts: RecordOptions): Promise<RecordResult> {
  const launch = launchRecording(opts);
  const store = opts.store ?? (await storeForLaunch(launch, () => openStore({ home: launch.launched.home, nativeBinding: opts.nativeBinding, env: opts.env ?? process.env })));
  try {
    return await ingestRecording(launch, store, opts.pollMs);
  } finally {
    if (!opts.store) store.close();
  }
}

/** Lets a launched recording's agent run and takes its journal into the store until it ends. */
export async function ingestRecording(launch: RecordLaunch, store: TraceStore, pollMs?: number): Promise<RecordResult> {
  const { exit, run } = await runTraced({ store, launched: launch.launched, fallbackMeta: launch.fallbackMeta, pollMs });
  return { id: launch.launched.runId, status: run.status, exitCode: exit.code, signal: exit.signal, steps: run.steps, llmCalls: run.llmCalls, tokens: run.usage, warnings: run.warnings };
}

/** Opens the store a launched recording goes into; when that fails the agent is stopped (none of its code ran). */
export async function storeForLaunch(launch: RecordLaunch, open: () => TraceStore): Promise<TraceStore> {
  try {
    return open();
  } catch (e) {
    await launch.launched.abort();
    throw e;
  }
}

/** The conventional shell exit code for a process killed by a signal (128 + signal number). */
export function exitCodeFor(result: Pick<RecordResult, 'exitCode' | 'signal'>): number {
  return shellExitCode({ code: result.exitCode, signal: result.signal });
}
