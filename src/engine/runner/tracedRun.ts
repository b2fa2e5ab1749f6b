/**
 * Takes a launched agent's journal (agentLaunch.ts) into the store while it runs: `record`, and `replay --step N`
 * (a resume records its continuation as a branch run). Crash safety: the journal lives in
 * `$AGENTTRACE_HOME/journals/` next to a host sidecar and is tailed every ~200 ms, each poll committed with its byte
 * offset, so a SIGKILL of this host loses nothing that reached the journal (recovery resumes at the offset), and the
 * live store lags ~200 ms. Why not more often: each commit rewrites the touched 16 KB pages into the WAL (polled
 * every 50 ms, a 200-call run wrote 11 MB of WAL for 150 KB of data, and the checkpoint at close took 30 ms), on the
 * cores the agent runs on.
 */
import type { RunMeta, RunStatus } from '../../shared/trace/types.js';
import { detectAfterRun } from '../afe/detectRun.js';
import { hostFile } from '../settings/paths.js';
import type { JournalIngestor } from '../store/ingest.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';
import type { LaunchedAgent } from './agentLaunch.js';
import type { AgentExit } from './agentProcess.js';
import { removeQuietly } from './hostSidecar.js';
import { JournalTail } from './journalTail.js';

/** How often the journal is taken into the store while the agent runs (how far the live store may lag). */
export const JOURNAL_POLL_MS = 200;

export interface TracedRunOptions {
  /** The store at the launch's home. */
  store: TraceStore;
  /** The agent (launchAgent); a gated one is let go once its journal can be taken. */
  launched: LaunchedAgent;
  /** Stored when the journal never gets a run line (the agent died at startup). */
  fallbackMeta: RunMeta;
  /** Branch runs: store only events after this seq (see JournalIngestor). */
  keepAfterSeq?: number;
  /** Run metadata the host decides whatever the journal's run line says (a resume's parent and fork step). */
  metaOverrides?: Partial<RunMeta>;
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
  const { store, launched } = o;
  const { runId, home, journal, agent } = launched;
  let ingestor: JournalIngestor;
  try {
    ingestor = store.ingestor(runId, { fallbackMeta: o.fallbackMeta, hostPid: process.pid, keepAfterSeq: o.keepAfterSeq, metaOverrides: o.metaOverrides });
  } catch (e) {
    await launched.abort();
    throw e;
  }
  const tail = new JournalTail(journal, ingestor);
  launched.start();

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
  const timer = setInterval(poll, o.pollMs ?? JOURNAL_POLL_MS);

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
  // Every run that ends here (record, resume, branch) gets its failure class; detection never fails the run. A root
  // run that exited cleanly with no failure sign in its whole journal has none to find.
  const clean = status === 'ok' && exit.code === 0 && !exit.signal && !ingestor.isBranch && !ingestor.sawFailureSigns;
  const detected = detectAfterRun(store, runId, clean);
  if (detected.warning) warnings.push(detected.warning);
  if (warnings.length > 0) ingestor.addWarningsTxn(warnings);
  const release = (): void => {
    removeQuietly(journal);
    removeQuietly(hostFile(home, runId));
  };
  if (!o.keepJournal) release();
  return { exit, ingestor, run: store.getRun(runId), journal, release };
}
