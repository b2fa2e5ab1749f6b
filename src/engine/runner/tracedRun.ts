/**
 * Runs an agent whose journal goes into the store while it runs: `record`, and `replay --step N` (a resume records
 * its continuation as a branch run). Crash safety: the journal lives in `$AGENTTRACE_HOME/journals/` next to a host
 * sidecar and is tailed every ~50 ms, each poll committed with its byte offset, so a SIGKILL of this host loses
 * nothing that reached the journal (recovery resumes at the offset), and the live store lags ~50 ms.
 */
import fs from 'node:fs';
import type { RunMeta, RunStatus } from '../../shared/trace/types.js';
import { ENV } from '../../shared/trace/envProtocol.js';
import { detectAfterRun } from '../afe/detectRun.js';
import { hostFile, journalFile, journalsDir } from '../settings/paths.js';
import type { JournalIngestor } from '../store/ingest.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';
import { agentEnv, startAgentProcess, type AgentExit, type AgentProcess, type AgentProcessOptions } from './agentProcess.js';
import { removeQuietly, writeSidecar } from './hostSidecar.js';
import { JournalTail } from './journalTail.js';

export interface TracedRunOptions {
  store: TraceStore;
  runId: string;
  /** Stored when the journal never gets a run line (the agent died at startup). */
  fallbackMeta: RunMeta;
  /** Branch runs: store only events after this seq (see JournalIngestor). */
  keepAfterSeq?: number;
  /** Run metadata the host decides whatever the journal's run line says (a resume's parent and fork step). */
  metaOverrides?: Partial<RunMeta>;
  /** How to start the agent; its environment is `baseEnv` plus `env` plus the journal variables set here. */
  agent: Omit<AgentProcessOptions, 'env'>;
  baseEnv: NodeJS.ProcessEnv;
  env: Record<string, string | undefined>;
  pollMs?: number;
  /**
   * Leave the journal (and the sidecar guarding it from recovery) in place after the final ingest: the caller reads
   * the journal, then calls `release()` of the result.
   */
  keepJournal?: boolean;
}

export interface TracedRunResult {
  exit: AgentExit;
  /** The ingestor after the final poll (end record, replay records). */
  ingestor: JournalIngestor;
  run: StoredRun;
  journal: string;
  /** Removes the journal and its sidecar (done already unless keepJournal). */
  release: () => void;
}

export async function runTraced(o: TracedRunOptions): Promise<TracedRunResult> {
  const { store, runId } = o;
  const home = store.home;
  const journal = journalFile(home, runId);
  fs.mkdirSync(journalsDir(home), { recursive: true });
  // The sidecar must exist before the journal can: recovery in another process then never touches a live run.
  writeSidecar(home, { runId, hostPid: process.pid, startedAt: Date.now() });

  const ingestor = store.ingestor(runId, { fallbackMeta: o.fallbackMeta, hostPid: process.pid, keepAfterSeq: o.keepAfterSeq, metaOverrides: o.metaOverrides });
  const tail = new JournalTail(journal, ingestor);
  const env = agentEnv(o.baseEnv, {
    ...o.env,
    [ENV.journal]: journal,
    [ENV.runId]: runId,
    [ENV.home]: home,
    [ENV.script]: o.agent.script,
    [ENV.hostPid]: String(process.pid),
  });

  let agent: AgentProcess;
  try {
    agent = startAgentProcess({ ...o.agent, env });
  } catch (e) {
    removeQuietly(hostFile(home, runId));
    throw e;
  }

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

  let exit: AgentExit;
  try {
    exit = await agent.exit;
  } catch (e) {
    removeQuietly(hostFile(home, runId));
    throw e;
  } finally {
    clearInterval(timer);
  }

  // Final ingest. If it throws, the journal and sidecar stay: recovery finishes the job once this host is gone.
  tail.poll(true);
  ingestor.ensureRunRow();
  for (const seq of ingestor.orphanPatches) warnings.push(`patch for event ${seq} had no event (journal damaged)`);
  const end = ingestor.end;
  const status: RunStatus = end ? end.status : exit.signal ? 'crashed' : exit.code === 0 ? 'ok' : 'failed';
  store.finishRun(runId, { status, exit: { code: exit.code, signal: exit.signal }, endedAt: end?.endedAt ?? Date.now(), steps: end?.steps });
  // Every run that ends here (record, resume, branch) gets its failure class; detection never fails the run.
  const detected = detectAfterRun(store, runId);
  if (detected.warning) warnings.push(detected.warning);
  if (warnings.length > 0) ingestor.addWarningsTxn(warnings);
  const release = (): void => {
    removeQuietly(journal);
    removeQuietly(hostFile(home, runId));
  };
  if (!o.keepJournal) release();
  return { exit, ingestor, run: store.getRun(runId), journal, release };
}
