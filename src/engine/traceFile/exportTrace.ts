/**
 * `export`: writes a run tree into one trace file (layout in v1.ts and v2.ts).
 * What goes in: the requested run with all its branches (recursively), or only that run with `only`; plus, when the
 * run is itself a branch, its ancestors as partial copies up to the fork (their events and keyframes through the
 * fork step), so the branch replays on its own wherever the file is imported. Blobs referenced by any of it follow.
 * Every run carried in full also brings its detected failure and its fix reports (AutoFix Engine); a partial copy
 * does not (it is carried to be replayed from, and its failure lies past the fork). The history of applies is NOT
 * exported: it holds the text of the user's own files from before an apply, and describes that machine only — for
 * the same reason a report's apply state (`applied`, `undoneAt`) is left out of the file.
 * The file is written next to its destination under a temporary name, scanned for secrets (scanSecrets.ts), and
 * only then moved into place: a refused export leaves nothing behind, and an existing file is never overwritten
 * without `force`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AtrError, BadArgsError } from '../errors.js';
import { packageRoot } from '../runner/sdkPaths.js';
import { getFailure } from '../store/failureStore.js';
import { fixReportTexts } from '../store/fixTransfer.js';
import { eventRows, keyframeRows } from '../store/runRows.js';
import type { TraceStore } from '../store/store.js';
import type { StoredRun } from '../store/storeTypes.js';
import type { ZodError } from 'zod';
import { EventRecV1, KeyframeRecV1 } from './v1.js';
import { FailureSchema, FixReportSchema, RunSchema, TRACE_FILE_EXT, type FileRun } from './format.js';
import { BlobRemap, eventRefs, keyframeRefs, runRecord, storedExtent } from './runContent.js';
import { scanTraceFileForSecrets } from './scanSecrets.js';
import { collectBlobRefs } from './sanitize.js';
import { TraceFileError, SecretFoundError } from './traceFileErrors.js';
import { TraceFileWriter } from './writeTraceFile.js';

export interface ExportOptions {
  /** Destination path (absolute, or relative to process.cwd()). */
  out: string;
  /** Only this run, not its branches. */
  only?: boolean;
  /** Overwrite an existing destination. */
  force?: boolean;
  /** Environment whose secret values the output is scanned for (default process.env). */
  env?: Record<string, string | undefined>;
  /** How the file is named in messages (default: out as given). */
  display?: string;
  /** Write the file even when the scan finds secrets (the findings are returned in `secrets`). */
  allowSecrets?: boolean;
}

export interface ExportedRun {
  id: string;
  /** Set for an ancestor carried only up to this seq. */
  partialUpTo?: number;
  events: number;
  keyframes: number;
  /** Fix reports of this run written to the file. */
  fixes: number;
}

export interface ExportResult {
  file: string;
  focus: string;
  root: string;
  runs: ExportedRun[];
  events: number;
  blobs: number;
  /** Fix reports written (all runs). */
  fixes: number;
  missingBlobs: string[];
  bytes: number;
  /** What the secret scan found, when the file was written anyway (allowSecrets). */
  secrets?: string[];
}

interface PlannedRun {
  run: StoredRun;
  upTo?: number;
  rec: FileRun;
  /** The run's detected failure (JSON text as stored); runs carried in full only. */
  failure?: string;
  /** Its fix reports as file JSON (apply state removed); runs carried in full only. */
  fixes: string[];
}

/** The default file name: the id's first 8 characters plus a branch suffix, e.g. `3f2a1b2c__step-4.agenttrace`. */
export function defaultExportName(runId: string): string {
  const at = runId.indexOf('__');
  const base = at >= 0 ? runId.slice(0, at) : runId;
  return `${base.slice(0, 8)}${at >= 0 ? runId.slice(at) : ''}${TRACE_FILE_EXT}`;
}

/** Which runs go into the file, parents before children, with the extent of each. */
export function planExport(store: TraceStore, runId: string, only: boolean): PlannedRun[] {
  // The lineage walk fails clearly on a missing parent or a parent loop; each ancestor is carried up to the fork
  // of its own child (not of the focus), so every run record in the file is consistent with its rows.
  const chain = store.lineage(runId).chain;
  const focus = chain[0];
  const ancestors: PlannedRun[] = [];
  // Every run is planned once, even in a damaged store.
  const seen = new Set<string>(chain.map((r) => r.id));
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i];
    const fork = chain[i - 1].forkSeq ?? 0;
    const extent = storedExtent(parent);
    ancestors.unshift({ run: parent, upTo: extent === undefined ? fork : Math.min(fork, extent), rec: runRecord(parent), fixes: [] });
  }
  const own: PlannedRun[] = [];
  const queue = [focus];
  while (queue.length > 0) {
    const run = queue.shift() as StoredRun;
    const upTo = storedExtent(run);
    own.push({ run, upTo, rec: runRecord(run), ...(upTo === undefined ? afeData(store, run.id) : { fixes: [] }) });
    if (only) continue;
    for (const id of store.childRunIds(run.id)) {
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push(store.getRun(id));
    }
  }
  const plan = [...ancestors, ...own];
  for (const p of plan) {
    // Never write a file the import would refuse: the same schemas decide here.
    const check = RunSchema.safeParse(p.rec);
    if (!check.success) throw unexportable(p.run.id, 'its metadata', check.error);
    if (p.failure !== undefined) {
      const f = FailureSchema.safeParse(JSON.parse(p.failure));
      if (!f.success) throw unexportable(p.run.id, 'its detected failure', f.error);
    }
    for (const text of p.fixes) {
      const fix = FixReportSchema.safeParse(JSON.parse(text));
      if (!fix.success) throw unexportable(p.run.id, `fix report ${String((JSON.parse(text) as { id?: unknown }).id).slice(0, 80)}`, fix.error);
    }
  }
  return plan;
}

/** A run's failure and fix reports as the file carries them (see the file comment for what is left out). */
function afeData(store: TraceStore, runId: string): { failure?: string; fixes: string[] } {
  const stored = getFailure(store, runId);
  const failure = stored === undefined ? undefined : JSON.stringify(stored);
  const fixes = fixReportTexts(store, runId).map((text) => {
    const { applied: _applied, undoneAt: _undoneAt, ...report } = JSON.parse(text) as Record<string, unknown>;
    return JSON.stringify(report);
  });
  return failure === undefined ? { fixes } : { failure, fixes };
}

function unexportable(runId: string, what: string, err: ZodError): AtrError {
  const i = err.issues[0];
  return new AtrError('ATR_TRACE_FILE', `run ${runId} cannot be exported: ${what}: ${i?.path.join('.') || 'value'} ${i?.message ?? 'is invalid'}`, {
    hint: 'trace files only carry ids, names and records that are safe on every machine; rename or re-record the run',
    data: { runId },
  });
}

export async function exportTrace(store: TraceStore, runId: string, opts: ExportOptions): Promise<ExportResult> {
  const out = path.resolve(opts.out);
  const display = opts.display ?? opts.out;
  if (!opts.force && fs.existsSync(out)) throw new BadArgsError(`${display} already exists`, 'pass --force to overwrite it, or choose another file with -o FILE');
  if (!fs.existsSync(path.dirname(out))) throw new BadArgsError(`folder ${path.dirname(out)} does not exist`, 'create it first, or choose another file with -o FILE');
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let result: ExportResult;
  try {
    const fd = fs.openSync(tmp, 'wx');
    try {
      // One read transaction: a snapshot of the store even while a recording is being ingested.
      result = store.transaction(() => writeTree(store, runId, opts, fd, out));
    } finally {
      fs.closeSync(fd);
    }
    const findings = await scanTraceFileForSecrets(tmp, opts.env ?? process.env);
    if (findings.length > 0 && !opts.allowSecrets) throw new SecretFoundError(display, findings);
    if (findings.length > 0) result.secrets = findings;
    place(tmp, out, display, Boolean(opts.force));
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return result;
}

function writeTree(store: TraceStore, runId: string, opts: ExportOptions, fd: number, out: string): ExportResult {
  const plan = planExport(store, runId, Boolean(opts.only));
  const focus = store.getRun(runId);
  const remap = new BlobRemap(store);
  const w = new TraceFileWriter(fd, `agenttrace ${packageVersion()}`);
  // A first read-only pass finds the blobs the rows refer to (missing ones go into the manifest, masked ones are
  // re-keyed before any payload is written) and checks every row against the schema the import will apply.
  const runs: ExportedRun[] = [];
  for (const p of plan) {
    for (const k of keyframeRows(store, p.run.id, p.upTo)) {
      const data = JSON.parse(k.data) as unknown;
      const check = KeyframeRecV1.safeParse({ r: 'kf', run: p.run.id, seq: k.seq, data });
      if (!check.success) throw unexportable(p.run.id, `keyframe ${k.seq}`, check.error);
      remap.note(keyframeRefs(data));
    }
    for (const e of eventRows(store, p.run.id, p.upTo)) {
      const payload = JSON.parse(e.payload) as unknown;
      const check = EventRecV1.safeParse({ r: 'ev', run: p.run.id, seq: e.seq, kind: e.kind, ts: e.ts, payload });
      if (!check.success) throw unexportable(p.run.id, `event ${e.seq}`, check.error);
      if (!e.batched) remap.note(eventRefs(e, payload));
    }
    if (p.rec.overrides) {
      const refs = new Set<string>();
      collectBlobRefs(p.rec.overrides, refs);
      remap.note(refs);
    }
  }
  w.record({ r: 'manifest', focus: focus.id, only: Boolean(opts.only), runs: plan.map((p) => p.run.id), exportedAt: Date.now(), missingBlobs: [...remap.missing] });
  for (const p of plan) {
    const rec = p.rec.overrides ? { ...p.rec, overrides: JSON.parse(remap.apply(JSON.stringify(p.rec.overrides))) as FileRun['overrides'] } : p.rec;
    let line = JSON.stringify(p.upTo === undefined ? { r: 'run', run: rec } : { r: 'run', run: rec, partial: { upTo: p.upTo } });
    if (p.failure !== undefined) line = `${line.slice(0, -1)},"failure":${p.failure}}`;
    w.line(line);
  }
  let fixes = 0;
  for (const p of plan) {
    for (const text of p.fixes) w.line(`{"r":"fix","run":${JSON.stringify(p.run.id)},"fix":${text}}`);
    fixes += p.fixes.length;
  }
  let events = 0;
  const id = (s: string): string => JSON.stringify(s);
  for (const p of plan) {
    const run = id(p.run.id);
    let kfs = 0;
    let evs = 0;
    for (const k of keyframeRows(store, p.run.id, p.upTo)) {
      w.line(`{"r":"kf","run":${run},"seq":${k.seq},"data":${remap.apply(k.data)}}`);
      kfs++;
    }
    for (const e of eventRows(store, p.run.id, p.upTo)) {
      let line = `{"r":"ev","run":${run},"seq":${e.seq},"kind":${id(e.kind)},"ts":${e.ts},"payload":${e.batched ? e.payload : remap.apply(e.payload)}`;
      if (e.fingerprint !== null) line += `,"fp":${id(e.fingerprint)}`;
      if (e.parent_seq !== null) line += `,"parent":${e.parent_seq}`;
      if (e.batched) line += `,"end":${e.end_seq},"batched":true`;
      w.line(line + '}');
      evs += e.end_seq - e.seq + 1;
    }
    events += evs;
    const n = p.fixes.length;
    runs.push(p.upTo === undefined ? { id: p.run.id, events: evs, keyframes: kfs, fixes: n } : { id: p.run.id, partialUpTo: p.upTo, events: evs, keyframes: kfs, fixes: n });
  }
  for (const [hash, key] of remap.present) {
    const bytes = store.getBlob(key) as Buffer;
    w.line(`{"r":"blob","hash":"${hash}","b64":"${bytes.toString('base64')}"}`);
  }
  w.finish();
  return { file: out, focus: focus.id, root: plan[0].run.id, runs, events, blobs: remap.present.size, fixes, missingBlobs: [...remap.missing], bytes: w.bytes };
}

/** Moves the finished file into place; without `force`, atomically refuses to replace an existing file. */
function place(tmp: string, out: string, display: string, force: boolean): void {
  if (force) {
    fs.renameSync(tmp, out);
    return;
  }
  try {
    fs.linkSync(tmp, out);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new BadArgsError(`${display} already exists`, 'pass --force to overwrite it, or choose another file with -o FILE');
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw new TraceFileError(display, `cannot write: ${(e as Error).message}`, 'check the folder and its permissions');
    // A file system without hard links: an exclusive copy keeps the no-overwrite guarantee.
    fs.copyFileSync(tmp, out, fs.constants.COPYFILE_EXCL);
  }
  fs.rmSync(tmp, { force: true });
}

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
