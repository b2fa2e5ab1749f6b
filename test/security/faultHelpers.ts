/**
 * Helpers for the import/fault tests: trace files of a chosen size exported from a real store, the real CLI run with
 * a deadline (a hang fails the test instead of stalling the suite), and the files a folder holds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exportTrace } from '../../src/engine/traceFile/exportTrace.js';
import { openStore } from '../../src/engine/store/store.js';
import { meta } from '../../src/engine/store/testJournal.js';
import type { JournalLine } from '../../src/shared/trace/journal.js';
import { sleep, startCli, type CliResult, type Running } from '../cli/cliHarness.js';

/**
 * Exports a finished run of `events` console events (each ~`bytes` long, text that does not compress to nothing) to
 * `out`, through a scratch store in `scratchHome`.
 */
export async function makeTraceFile(scratchHome: string, runId: string, events: number, out: string, bytes = 200): Promise<void> {
  const store = openStore({ home: scratchHome, env: {} });
  try {
    const ing = store.ingestor(runId);
    ing.ingestLines([{ t: 'run', meta: meta(runId, { name: runId }) }]);
    const chunk = 5000;
    for (let from = 0; from < events; from += chunk) {
      const lines: JournalLine[] = [];
      for (let seq = from; seq < Math.min(events, from + chunk); seq++) {
        const text = `${seq} ${(seq * 2654435761).toString(36)} `.repeat(Math.ceil(bytes / 16)).slice(0, bytes);
        lines.push({ t: 'ev', seq, kind: 'console', ts: 1000 + seq, payload: { stream: 'stdout', text: text + '\n' } });
      }
      ing.ingestLines(lines);
    }
    ing.ingestLines([{ t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 5000, steps: events }]);
    await exportTrace(store, runId, { out, env: {} });
  } finally {
    store.close();
  }
}

/** Runs the CLI and fails (killing it) if it has not exited within `ms`. */
export async function runCliWithin(ms: number, args: string[], opts: { home: string; env?: Record<string, string> }): Promise<CliResult> {
  const run = startCli(args, opts);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`agenttrace ${args.join(' ')} did not finish within ${ms} ms (stderr: ${run.err()})`));
    }, ms);
  });
  try {
    return await Promise.race([run.done, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Names in a folder (empty when it does not exist). */
export function namesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Names of this store's unclean-close markers beside traces.db. */
export function openMarkers(home: string): string[] {
  return namesIn(home).filter((n) => n.startsWith('traces.db.open.'));
}

export function mkdir(...parts: string[]): string {
  const d = path.join(...parts);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

/**
 * Waits until the import `run` is staging (its scratch database in `tmp` has pages on disk; the store is open by
 * then), SIGKILLs it and returns the scratch folder's name; throws after `ms`.
 */
export async function killWhileStaging(run: Running, tmp: string, ms = 30_000): Promise<string> {
  const prefix = `agenttrace-import-${run.child.pid}-`;
  for (const end = Date.now() + ms; Date.now() < end; ) {
    await sleep(20);
    const dir = namesIn(tmp).find((n) => n.startsWith(prefix));
    let size = 0;
    try {
      size = dir ? fs.statSync(path.join(tmp, dir, 'staging.db')).size : 0;
    } catch {
      size = 0;
    }
    if (dir && size > 0) {
      run.child.kill('SIGKILL');
      await run.exited;
      return dir;
    }
  }
  run.child.kill('SIGKILL');
  throw new Error(`the import never started staging (stderr: ${run.err()})`);
}
