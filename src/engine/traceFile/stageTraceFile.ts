/**
 * First half of an import: streams a trace file's records (readTraceFile.ts: sanitized, modernized, schema-checked)
 * and checks what the schemas cannot — record order, the run tree, seq ranges against forks and partial extents,
 * blob hashes against their bytes, references to blobs — while writing the rows into the staging database. Run
 * failures and fix reports (v2) are small and kept in memory for the store transaction.
 * Any problem throws a TraceFileError naming the file and the record; nothing reaches the store from here.
 */
import { createHash } from 'node:crypto';
import { TRACE_FORMAT_VERSION } from '../../shared/trace/types.js';
import { AtrError } from '../errors.js';
import type { Failure, FixReport } from '../../shared/afe/types.js';
import type { EventRec, FileRun, FixRec, KeyframeRec, ManifestRec } from './format.js';
import type { OpenedTraceFile, ReadLimits } from './readTraceFile.js';
import { readRecords } from './readTraceFile.js';
import { isPartialMarker } from './runContent.js';
import { collectBlobRefs, keyframeBlobRefs } from './sanitize.js';
import type { Staging } from '../store/staging.js';
import { TraceFileError } from './traceFileErrors.js';

/** Cheap values in one batched row, at most (a row is one JSON array). */
const MAX_BATCH = 10_000_000;
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface StagedRun {
  rec: FileRun;
  /** Partial copy: the last seq carried. */
  upTo?: number;
  /** The failure detected in the run, when the file carries one. */
  failure?: Failure;
  events: number;
  keyframes: number;
  lastEnd: number;
  lastKf: number;
}

export interface StagedFile {
  manifest: ManifestRec;
  /** In file order: parents before children, the root first. */
  runs: Map<string, StagedRun>;
  /** Referenced blob -> where (first reference), for the reference check against the store. */
  refs: Map<string, string>;
  /** Fix reports, in file order (each of a run of the file, ids unique). */
  fixes: FixReport[];
  blobs: number;
  records: number;
}

export async function stageTraceFile(file: string, display: string, opened: OpenedTraceFile, limits: ReadLimits, staging: Staging): Promise<StagedFile> {
  const bad = (lineNo: number, reason: string): TraceFileError => new TraceFileError(display, `line ${lineNo}: ${reason}`);
  let manifest: ManifestRec | undefined;
  const runs = new Map<string, StagedRun>();
  const refs = new Map<string, string>();
  const fixes = new Map<string, FixReport>();
  let records = 0;
  let blobs = 0;
  let ended = false;
  /** A keyframe or event was read: fix records may no longer come. */
  let rowsStarted = false;

  for await (const { rec, lineNo } of readRecords(file, display, opened, limits)) {
    if (ended) throw bad(lineNo, 'data after the end record');
    if (!manifest && rec.r !== 'manifest') throw bad(lineNo, 'the first record must be the manifest');
    const note = (hashes: Set<string>, where: string): void => {
      for (const h of hashes) if (!refs.has(h)) refs.set(h, where);
    };
    switch (rec.r) {
      case 'manifest':
        if (manifest) throw bad(lineNo, 'a second manifest');
        if (!rec.runs.includes(rec.focus)) throw bad(lineNo, `the manifest's focus ${rec.focus} is not one of its runs`);
        if (new Set(rec.runs).size !== rec.runs.length) throw bad(lineNo, 'the manifest lists a run twice');
        manifest = rec;
        break;
      case 'run': {
        const m = manifest as ManifestRec;
        const r = rec.run;
        const expected = m.runs[runs.size];
        if (r.id !== expected) throw bad(lineNo, expected === undefined ? `run ${r.id} is not in the manifest` : `expected run ${expected}, found run ${r.id}`);
        if (r.formatVersion > TRACE_FORMAT_VERSION) {
          throw new AtrError('ATR_TRACE_VERSION', `${display}: made by a newer AgentTrace (run ${r.id} uses trace format ${r.formatVersion}, this one reads up to ${TRACE_FORMAT_VERSION})`, {
            hint: 'upgrade AgentTrace to open it',
            data: { file: display, found: r.formatVersion, supported: TRACE_FORMAT_VERSION },
          });
        }
        checkTree(r, runs, (reason) => bad(lineNo, reason));
        // Partial-copy markers are the store's own bookkeeping: a file cannot declare one through a warning.
        r.warnings = r.warnings.filter((w) => !isPartialMarker(w));
        if (r.overrides) {
          const found = new Set<string>();
          collectBlobRefs(r.overrides, found);
          note(found, `run ${r.id} edits`);
        }
        const staged: StagedRun = { rec: r, upTo: rec.partial?.upTo, events: 0, keyframes: 0, lastEnd: -1, lastKf: -1 };
        if (rec.failure) staged.failure = rec.failure as Failure;
        runs.set(r.id, staged);
        break;
      }
      case 'fix':
        checkFix(rec, runs, manifest as ManifestRec, fixes, rowsStarted, (reason) => bad(lineNo, reason));
        fixes.set(rec.fix.id, rec.fix as FixReport);
        break;
      case 'kf': {
        const run = runOf(rec.run, runs, manifest as ManifestRec, (reason) => bad(lineNo, reason));
        checkKeyframe(rec, run, (reason) => bad(lineNo, reason));
        const found = new Set<string>();
        keyframeBlobRefs(rec.data, found);
        note(found, `run ${rec.run} keyframe ${rec.seq}`);
        staging.keyframe(rec.run, rec.seq, JSON.stringify(rec.data));
        rowsStarted = true;
        run.keyframes++;
        run.lastKf = rec.seq;
        break;
      }
      case 'ev': {
        const run = runOf(rec.run, runs, manifest as ManifestRec, (reason) => bad(lineNo, reason));
        const end = checkEvent(rec, run, (reason) => bad(lineNo, reason));
        if (!rec.batched) {
          const found = new Set<string>();
          collectBlobRefs(rec.payload, found);
          note(found, `run ${rec.run} event ${rec.seq}`);
        }
        staging.event(rec.run, rec.seq, end, Boolean(rec.batched), rec.kind, rec.ts, JSON.stringify(rec.payload), rec.fp ?? null, rec.parent ?? null);
        run.events += end - rec.seq + 1;
        rowsStarted = true;
        run.lastEnd = end;
        break;
      }
      case 'blob': {
        if (!B64_RE.test(rec.b64)) throw bad(lineNo, `blob ${rec.hash.slice(0, 12)} is not valid base64`);
        const bytes = Buffer.from(rec.b64, 'base64');
        const actual = createHash('sha256').update(bytes).digest('hex');
        if (actual !== rec.hash) throw bad(lineNo, `blob ${rec.hash.slice(0, 12)} does not match its bytes (their sha256 is ${actual.slice(0, 12)})`);
        if (!staging.hasBlob(rec.hash)) {
          staging.blob(rec.hash, bytes);
          blobs++;
        }
        break;
      }
      case 'end':
        // Counted in lines of the file as written (modernizing may split or drop records); line 1 is the header.
        if (rec.records !== lineNo - 2) throw bad(lineNo, `the end record counts ${rec.records} records, the file has ${lineNo - 2}`);
        ended = true;
        break;
    }
    records++;
  }
  if (!manifest) throw new TraceFileError(display, 'truncated: no records after the header');
  if (!ended) throw new TraceFileError(display, 'truncated: the end record is missing');
  if (runs.size !== manifest.runs.length) throw new TraceFileError(display, `the manifest lists ${manifest.runs.length} runs, the file holds ${runs.size}`);
  const missing = new Set(manifest.missingBlobs);
  for (const [h] of refs) if (staging.hasBlob(h) || missing.has(h)) refs.delete(h);
  return { manifest, runs, refs, fixes: [...fixes.values()], blobs, records };
}

/** A fix record: of a run the file declares, after all run records, before any keyframe or event; ids unique. */
function checkFix(rec: FixRec, runs: Map<string, StagedRun>, m: ManifestRec, fixes: Map<string, FixReport>, rowsStarted: boolean, bad: (reason: string) => Error): void {
  runOf(rec.run, runs, m, bad);
  if (rec.fix.runId !== rec.run) throw bad(`fix ${rec.fix.id} is filed under run ${rec.run} but is about run ${rec.fix.runId}`);
  if (rowsStarted) throw bad(`fix ${rec.fix.id} comes after keyframes or events (fix records follow the run records)`);
  if (fixes.has(rec.fix.id)) throw bad(`fix ${rec.fix.id} appears twice`);
}

/** A run record's place in the tree: the root first, every other run's parent before it, forks within reach. */
function checkTree(r: FileRun, runs: Map<string, StagedRun>, bad: (reason: string) => Error): void {
  if (runs.size === 0) {
    if (r.parentId !== undefined) throw bad(`the first run ${r.id} must be the root of the tree, but it forks from ${r.parentId}`);
    return;
  }
  if (r.parentId === undefined || r.forkSeq === undefined) throw bad(`run ${r.id} is not a branch of an earlier run (a file holds one run tree)`);
  const parent = runs.get(r.parentId);
  if (!parent) throw bad(`run ${r.id} forks from ${r.parentId}, which does not come before it in the file`);
  if (parent.upTo !== undefined && r.forkSeq > parent.upTo) throw bad(`run ${r.id} forks at step ${r.forkSeq}, but its parent ${r.parentId} is only carried up to step ${parent.upTo}`);
}

function runOf(id: string, runs: Map<string, StagedRun>, m: ManifestRec, bad: (reason: string) => Error): StagedRun {
  const run = runs.get(id);
  if (run && runs.size === m.runs.length) return run;
  throw bad(run ? 'fix records, keyframes and events must follow all run records' : `record of run ${id}, which the file does not declare`);
}

function checkKeyframe(rec: KeyframeRec, run: StagedRun, bad: (reason: string) => Error): void {
  if (rec.data.seq !== rec.seq) throw bad(`keyframe ${rec.seq} of run ${rec.run} says it is at step ${rec.data.seq}`);
  if (rec.seq <= run.lastKf) throw bad(`keyframes of run ${rec.run} are out of order at step ${rec.seq}`);
  // A branch keeps one keyframe AT its fork (the state it starts from); everything else it holds comes after.
  if (run.rec.forkSeq !== undefined && rec.seq < run.rec.forkSeq) throw bad(`keyframe ${rec.seq} of branch ${rec.run} lies before its fork at step ${run.rec.forkSeq}`);
  if (run.upTo !== undefined && rec.seq > run.upTo) throw bad(`keyframe ${rec.seq} of run ${rec.run} lies beyond its partial copy (up to step ${run.upTo})`);
}

/** Returns the last seq the event row covers. */
function checkEvent(rec: EventRec, run: StagedRun, bad: (reason: string) => Error): number {
  let end = rec.seq;
  if (rec.batched) {
    end = rec.end ?? -1;
    const n = end - rec.seq + 1;
    if (n < 1 || n > MAX_BATCH) throw bad(`batched event ${rec.seq} of run ${rec.run} has a bad end ${String(rec.end)}`);
    const p = rec.payload as { source?: unknown; values?: unknown; f64?: unknown };
    const ok =
      typeof p.source === 'string' &&
      (typeof p.f64 === 'string' ? B64_RE.test(p.f64) && Buffer.byteLength(p.f64, 'base64') === n * 8 : Array.isArray(p.values) && p.values.length === n);
    if (!ok) throw bad(`batched event ${rec.seq} of run ${rec.run} does not hold ${n} values`);
  } else if (rec.end !== undefined && rec.end !== rec.seq) throw bad(`event ${rec.seq} of run ${rec.run} has an end but is not batched`);
  if (run.rec.forkSeq !== undefined && rec.seq <= run.rec.forkSeq) throw bad(`event ${rec.seq} of branch ${rec.run} lies before its fork at step ${run.rec.forkSeq} (those are its parent's)`);
  if (rec.seq <= run.lastEnd) throw bad(`events of run ${rec.run} are out of order or overlap at step ${rec.seq}`);
  if (run.upTo !== undefined && end > run.upTo) throw bad(`event ${end} of run ${rec.run} lies beyond its partial copy (up to step ${run.upTo})`);
  return end;
}
