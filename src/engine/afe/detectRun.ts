/**
 * The thin runner of failure detection: loads what detectFailure needs from the store (the run, its lineage's
 * events of the DETECT_KINDS, the call stacks of keyframes at failed calls, blob bodies, source files of user frames)
 * and, after a recording, stores the result with the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Failure } from '../../shared/afe/types.js';
import type { Body, StackFrame } from '../../shared/trace/types.js';
import { packageRoot } from '../runner/sdkPaths.js';
import { saveFailure } from '../store/failureStore.js';
import type { TraceStore } from '../store/store.js';
import { unrecoveredFailures, type BodyReader } from './callFacts.js';
import { DETECT_KINDS, detectFailure } from './detect.js';

/** Source files larger than this are not read for source lines. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/** Detects the failure of a stored run (null for a clean or still running run). Reads only; stores nothing. */
export function detectRun(store: TraceStore, runId: string): Failure | null {
  const run = store.getRun(runId);
  const lineage = store.lineage(run);
  const events = lineage.events({ kinds: DETECT_KINDS });
  const readBody: BodyReader = (body: Body | undefined) => {
    if (!body) return undefined;
    if ('text' in body) return body.text;
    if (body.encoding !== 'utf8') return undefined;
    return store.getBlob(body.blob)?.toString('utf8');
  };
  const stacks: Record<number, StackFrame[]> = {};
  for (const f of unrecoveredFailures(events, readBody)) {
    const kf = store.getKeyframe(lineage.ownerOf(f.seq), f.seq);
    if (kf?.stack.length) stacks[f.seq] = kf.stack;
  }
  return detectFailure({
    run,
    events,
    stacks,
    readBody,
    readSource: diskReader(),
    internalPaths: internalPaths(),
  });
}

/**
 * Detects and stores the failure of a run that just ended (record, resume, branch). Never throws: a detection
 * problem must not fail the recording, so it comes back as a warning line instead. `clean`: the caller saw the whole
 * run exit cleanly with no failure sign in its journal (JournalIngestor.sawFailureSigns), where detection finds
 * nothing; the run is then not read back (tens of milliseconds at the end of every clean recording).
 */
export function detectAfterRun(store: TraceStore, runId: string, clean = false): { failure: Failure | null; warning?: string } {
  try {
    const failure = clean ? null : detectRun(store, runId);
    saveFailure(store, runId, failure);
    return { failure };
  } catch (e) {
    return { failure: null, warning: `failure detection did not run: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Reads user files for source lines, once each, bounded in size. */
function diskReader(): (file: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (file) => {
    if (cache.has(file)) return cache.get(file);
    let text: string | undefined;
    try {
      if (fs.statSync(file).size <= MAX_SOURCE_BYTES) text = fs.readFileSync(file, 'utf8');
    } catch {
      text = undefined;
    }
    cache.set(file, text);
    return text;
  };
}

/** AgentTrace's own built code (the SDK bundle the agent imports), never a user frame. */
function internalPaths(): string[] {
  try {
    return [path.join(packageRoot(), 'dist') + path.sep];
  } catch {
    return [];
  }
}
