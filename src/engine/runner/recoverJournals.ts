/**
 * Crash recovery, run on every store open by the CLI. A journal left in `$AGENTTRACE_HOME/journals/` means either
 * its host died (SIGKILL of the CLI), or it was written without a host (environment-variable mode). Either way
 * its lines are ingested from the last committed offset, so such runs appear in `list`:
 * - host alive (and not this process) -> skipped: that host is ingesting it;
 * - agent still alive -> partial ingest, the run stays `running` and the journal stays for the next recovery;
 * - agent dead -> final ingest; status from the end record if it made it to disk, else `crashed`; journal removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { detectAfterRun } from '../afe/detectRun.js';
import { AtrError, toAtrError } from '../errors.js';
import { journalFile, journalsDir, hostFile } from '../settings/paths.js';
import type { TraceStore } from '../store/store.js';
import { JournalTail } from './journalTail.js';
import { pidAlive, readSidecar, removeQuietly } from './hostSidecar.js';

export interface RecoveryReport {
  /** Runs finalized from an orphaned journal. */
  recovered: string[];
  /** Runs whose agent is still running: ingested so far, journal kept. */
  partial: string[];
  /** Journals that could not be ingested (kept on disk untouched). */
  failed: { runId: string; error: AtrError }[];
}

/** An empty journal younger than this may belong to an agent that has not written its first line yet. */
const FRESH_MS = 60_000;
const JOURNAL_RE = /^(.+)\.ndjson$/;

export function recoverJournals(store: TraceStore): RecoveryReport {
  const report: RecoveryReport = { recovered: [], partial: [], failed: [] };
  const dir = journalsDir(store.home);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return report; // no journals folder yet
  }
  const journals = new Set<string>();
  for (const name of names) {
    const m = JOURNAL_RE.exec(name);
    if (m) journals.add(m[1]);
  }
  for (const runId of journals) {
    try {
      const outcome = recoverOne(store, runId);
      if (outcome === 'recovered') report.recovered.push(runId);
      else if (outcome === 'partial') report.partial.push(runId);
    } catch (e) {
      report.failed.push({ runId, error: toAtrError(e) });
    }
  }
  // Sidecars whose host died before its agent wrote anything.
  for (const name of names) {
    if (!name.endsWith('.host.json')) continue;
    const runId = name.slice(0, -'.host.json'.length);
    if (journals.has(runId)) continue;
    const s = readSidecar(store.home, runId);
    if (!s || !pidAlive(s.hostPid)) removeQuietly(path.join(dir, name));
  }
  return report;
}

function recoverOne(store: TraceStore, runId: string): 'skipped' | 'partial' | 'recovered' {
  const sidecar = readSidecar(store.home, runId);
  if (sidecar && (sidecar.hostPid === process.pid || pidAlive(sidecar.hostPid))) return 'skipped';
  const file = journalFile(store.home, runId);
  const ingestor = store.ingestor(runId);
  const tail = new JournalTail(file, ingestor, store.journalOffset(runId));
  // Ingest first: the run line carries the agent's pid.
  tail.poll(false);
  const run = store.findRun(runId);
  if (run && run.status === 'running' && pidAlive(run.pid)) return 'partial';
  tail.poll(true);
  const after = store.findRun(runId);
  if (!after) {
    // Nothing ingestible yet. A fresh empty journal may belong to an agent that is just starting: leave it.
    if (Date.now() - mtimeOf(file) < FRESH_MS) return 'skipped';
  } else if (after.status === 'running') {
    // No end record reached the disk: the agent died abruptly. Its last journal write is the best end time.
    const endedAt = Math.max(after.startedAt, Math.round(mtimeOf(file)));
    store.finishRun(runId, { status: 'crashed', endedAt });
  }
  // A run finalized here (its host died, or it was recorded without one) gets its failure class like any other.
  if (after) detectAfterRun(store, runId);
  removeQuietly(file);
  removeQuietly(hostFile(store.home, runId));
  return 'recovered';
}

/** Last write time of a file; "now" when it is gone (another process recovered it concurrently). */
function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return Date.now();
  }
}
