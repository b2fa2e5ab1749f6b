/**
 * `import`: loads a trace file into the store. Two halves:
 * 1. stageTraceFile streams and validates the whole file into a staging database (nothing touches the store);
 * 2. one IMMEDIATE store transaction compares each run with the store and writes what is new. Any failure — a bad
 *    file, a conflict, a SQLite error — rolls it back: the store is untouched.
 * Per run: not in the store → `new`; same id and same content (metadata, keyframes, events, compared in the form an
 * import stores them) → `same`, nothing written, so importing a file twice changes nothing; the store holds a
 * partial copy and the file carries more of the run (and agrees on the common part) → `completed`; anything else
 * → ImportConflictError.
 * AutoFix data (format v2) is derived from the runs and imported like them, in the same transaction: a run's failure
 * is stored when the store has none for it (its own detection wins), and a fix report whose id is in the store
 * already is kept as it is.
 */
import fs from 'node:fs';
import { detectAfterRun } from '../afe/detectRun.js';
import { getFailure, saveFailure } from '../store/failureStore.js';
import { AtrError } from '../errors.js';
import { importFix } from '../store/fixTransfer.js';
import { clearRunRows, copyBlobs, copyRunRows, hasBlob, writeRunRow, type ImportedRunRow } from '../store/importRuns.js';
import { eventRows, keyframeRows, type RawEventRow, type RawKeyframeRow } from '../store/runRows.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';
import type { FormatChain } from './modernize.js';
import { DEFAULT_LIMITS, openTraceFile, type ReadLimits } from './readTraceFile.js';
import { BlobRemap, eventRefs, keyframeRefs, metaText, normalizeJsonText, partialMarker, rowsDigest, runRecord, storedExtent } from './runContent.js';
import { collectBlobRefs } from './sanitize.js';
import { stageTraceFile, type StagedFile, type StagedRun } from './stageTraceFile.js';
import { Staging } from '../store/staging.js';
import { diskFullError, isDiskFull } from '../store/storeFaults.js';
import { ImportConflictError, TraceFileError } from './traceFileErrors.js';
import type { FileRun } from './format.js';

export interface ImportOptions {
  /** How the file is named in messages (default: the path as given). */
  display?: string;
  limits?: Partial<ReadLimits>;
  /** The modernizer chain (tests substitute made-up versions). */
  chain?: FormatChain;
  /** better_sqlite3.node for the staging database (default env AGENTTRACE_SQLITE_BINDING, else better-sqlite3's). */
  nativeBinding?: string;
}

export type ImportAction = 'new' | 'same' | 'completed';

export interface ImportedRun {
  id: string;
  action: ImportAction;
  /** A partial copy (an ancestor carried up to a fork): the last seq now stored. */
  partialUpTo?: number;
  /** Events and keyframes the file carries for this run. */
  events: number;
  keyframes: number;
}

export interface ImportResult {
  file: string;
  /** The run the file was exported for (what `open` shows). */
  focus: string;
  root: string;
  runs: ImportedRun[];
  /** Every run was already in the store with the same content: nothing was written. */
  alreadyImported: boolean;
  /** Blobs added to the store (blobs it had already are shared). */
  blobsAdded: number;
  /** Fix reports added, and those whose id the store held already (kept as they were). */
  fixesAdded: number;
  fixesPresent: number;
  /** Runs whose detected failure came from the file. */
  failuresAdded: number;
  /** Imported runs whose script does not exist on this machine (replay them with --script PATH). */
  missingScripts: { runId: string; scriptPath: string }[];
}

const ALL = Number.MAX_SAFE_INTEGER;

export async function importTraceFile(store: TraceStore, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const display = opts.display ?? file;
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const opened = openTraceFile(file, display, limits, opts.chain);
  const staging = new Staging(opts.nativeBinding ?? (process.env.AGENTTRACE_SQLITE_BINDING || undefined));
  try {
    const staged = await stageTraceFile(file, display, opened, limits, staging);
    staging.seal();
    return applyStaged(store, staging, staged, display);
  } finally {
    staging.close();
  }
}

function applyStaged(store: TraceStore, staging: Staging, staged: StagedFile, display: string): ImportResult {
  let runs: ImportedRun[];
  let blobsAdded: number;
  let afe: AfeCounts;
  try {
    [runs, blobsAdded, afe] = store.transaction((): [ImportedRun[], number, AfeCounts] => {
      for (const [h, where] of staged.refs) {
        if (!hasBlob(store, h)) throw new TraceFileError(display, `${where} refers to blob ${h.slice(0, 12)}, which is not in the file`);
      }
      const out: ImportedRun[] = [];
      for (const [id, s] of staged.runs) {
        const stored = store.findRun(id);
        const action: ImportAction = stored ? compareWithStored(store, staging, s, stored, display) : 'new';
        if (action !== 'same') {
          // Completing a partial copy rewrites its row: the failure it had is put back below.
          const had = action === 'completed' ? getFailure(store, id) : undefined;
          writeRunRow(store, toRow(s), action === 'completed');
          if (had !== undefined) saveFailure(store, id, had);
          if (action === 'completed') clearRunRows(store, id);
          copyRunRows(store, staging, id);
        }
        const upTo = action === 'same' && stored ? minExtent(storedExtent(stored), s.upTo) : s.upTo;
        out.push({ id, action, ...(upTo !== undefined ? { partialUpTo: upTo } : {}), events: s.events, keyframes: s.keyframes });
      }
      return [out, copyBlobs(store, staging), importAfe(store, staged)];
    }, 'immediate');
  } catch (e) {
    if (e instanceof AtrError) throw e;
    // The transaction was rolled back: the store keeps what it had.
    if (isDiskFull(e)) throw diskFullError(store.file, e);
    throw new TraceFileError(display, `cannot store it: ${(e as Error).message}`, 'nothing was imported; check the store with `agenttrace list`');
  }
  // Imported runs get their failure class like recorded ones: the file's own (detected where the run's files were)
  // wins; runs without one (v1 files, partial copies) are detected here. Detection never throws.
  for (const r of runs) if (r.action !== 'same' && getFailure(store, r.id) === undefined) detectAfterRun(store, r.id);
  const missingScripts: ImportResult['missingScripts'] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    const p = (staged.runs.get(r.id) as StagedRun).rec.scriptPath;
    if (r.action === 'same' || seen.has(p)) continue;
    seen.add(p);
    if (!isFile(p)) missingScripts.push({ runId: r.id, scriptPath: p });
  }
  return {
    file: display,
    focus: staged.manifest.focus,
    root: staged.manifest.runs[0],
    runs,
    alreadyImported: runs.every((r) => r.action === 'same') && afe.fixesAdded === 0 && afe.failuresAdded === 0,
    blobsAdded,
    ...afe,
    missingScripts,
  };
}

interface AfeCounts {
  fixesAdded: number;
  fixesPresent: number;
  failuresAdded: number;
}

/** Stores the file's run failures and fix reports (inside the import's transaction, after the runs). */
function importAfe(store: TraceStore, staged: StagedFile): AfeCounts {
  const counts: AfeCounts = { fixesAdded: 0, fixesPresent: 0, failuresAdded: 0 };
  for (const [id, s] of staged.runs) if (s.failure && saveFailure(store, id, s.failure, { keep: true })) counts.failuresAdded++;
  for (const fix of staged.fixes) {
    if (importFix(store, fix)) counts.fixesAdded++;
    else counts.fixesPresent++;
  }
  return counts;
}

/** `same` or `completed`, else throws the conflict (what differs is named). */
function compareWithStored(store: TraceStore, staging: Staging, s: StagedRun, stored: StoredRun, display: string): ImportAction {
  const storeExtent = storedExtent(stored);
  const common = minExtent(storeExtent, s.upTo) ?? ALL;
  const storedMeta = storedMetaForCompare(store, stored);
  if (metaText(storedMeta) !== metaText(s.rec)) throw new ImportConflictError(display, stored.id, `${differingFields(storedMeta, s.rec)} differ`);
  const fileRows = rowsDigest(keyframeRows(staging, stored.id, common), eventRows(staging, stored.id, common));
  const storeRows = storedRowsDigest(store, stored.id, common);
  if (fileRows !== storeRows) throw new ImportConflictError(display, stored.id, common === ALL ? 'its events differ' : `its events up to step ${common} differ`);
  return (s.upTo ?? ALL) > (storeExtent ?? ALL) ? 'completed' : 'same';
}

function minExtent(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** The stored run's metadata as its export would write it (edits with re-keyed blob refs, see BlobRemap). */
function storedMetaForCompare(store: TraceStore, run: StoredRun): FileRun {
  const rec = runRecord(run);
  if (!rec.overrides) return rec;
  const remap = new BlobRemap(store);
  const text = JSON.stringify(rec.overrides);
  const refs = new Set<string>();
  collectBlobRefs(rec.overrides, refs);
  remap.note(refs);
  return { ...rec, overrides: JSON.parse(remap.apply(text)) as FileRun['overrides'] };
}

/** The digest of a stored run's rows in the form an export-then-import of them would store. */
function storedRowsDigest(store: TraceStore, runId: string, upTo: number): string {
  const remap = new BlobRemap(store);
  const keyframes: RawKeyframeRow[] = keyframeRows(store, runId, upTo).map((k) => {
    remap.note(keyframeRefs(JSON.parse(k.data)));
    return { seq: k.seq, data: normalizeJsonText(remap.apply(k.data)) };
  });
  function* events(): Generator<RawEventRow> {
    for (const e of eventRows(store, runId, upTo)) {
      if (!e.batched) remap.note(eventRefs(e));
      yield { ...e, payload: normalizeJsonText(e.batched ? e.payload : remap.apply(e.payload)) };
    }
  }
  return rowsDigest(keyframes, events());
}

function differingFields(a: FileRun, b: FileRun): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const diff = keys.filter((k) => JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((b as Record<string, unknown>)[k]));
  return diff.length > 0 ? `its ${diff.slice(0, 4).join(', ')}${diff.length > 4 ? ', …' : ''}` : 'its metadata';
}

function toRow(s: StagedRun): ImportedRunRow {
  const r = s.rec;
  return { ...r, overrides: r.overrides as ImportedRunRow['overrides'], warnings: s.upTo === undefined ? r.warnings : [...r.warnings, partialMarker(s.upTo)] };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
