/**
 * `fix apply` / `fix undo`: the only place where the AutoFix Engine writes the user's files, and only when asked.
 * Apply refuses when any file's sha256 differs from the one the candidate was computed against (stale), writes each
 * file atomically (temp file in the same folder, then rename, mode kept) and records what it replaced; undo checks
 * that the files still hold what apply wrote and restores the recorded bytes exactly.
 * A file holding a secret literal is refused up front: its exact bytes could not be kept for the undo without
 * writing the secret to the store.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FixCandidate, FixReport } from '../../shared/afe/types.js';
import { AtrError, BadArgsError } from '../errors.js';
import { activeApply, getFix, recordApply, recordUndo, saveFix, type AppliedFile } from '../store/fixStore.js';
import type { TraceStore } from '../store/store.js';
import { sha256 } from './sourceFiles.js';

export interface ApplyResult {
  fix: FixReport;
  candidate: FixCandidate;
  files: string[];
}

/** `<fix-id>` or `<fix-id>/<n>`: the candidate to apply (default: the best ranked one that can be applied). */
export function pickCandidate(fix: FixReport, ref: string): FixCandidate {
  const m = /\/(\d+)$/.exec(ref.trim());
  const applicable = (c: FixCandidate): boolean => c.files.length > 0 && c.verdict !== 'needs_you';
  if (m) {
    const n = Number(m[1]);
    const c = fix.candidates.find((x) => x.n === n);
    if (!c) throw new BadArgsError(`fix ${fix.id} has no candidate ${n}`, `its candidates: ${fix.candidates.map((x) => x.n).join(', ') || 'none'}`);
    if (!applicable(c)) throw new BadArgsError(`candidate ${n} of ${fix.id} changes no file (${c.verdictDetail})`, 'it needs you: follow its instructions');
    return c;
  }
  const best = fix.candidates.find(applicable);
  if (!best) throw new BadArgsError(`fix ${fix.id} has no candidate that changes files`, `see agenttrace fix show ${fix.id}`);
  return best;
}

/** Checks every file of a candidate against its recorded sha256; returns the current bytes. */
function checkFresh(fix: FixReport, c: FixCandidate): Map<string, Buffer> {
  const current = new Map<string, Buffer>();
  for (const f of c.files) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(f.path);
    } catch {
      throw new AtrError('ATR_FIX_STALE', `cannot apply ${fix.id}/${c.n}: ${f.path} no longer exists`, { hint: `run agenttrace fix ${fix.runId} again` });
    }
    if (sha256(bytes) !== f.sha256) {
      throw new AtrError('ATR_FIX_STALE', `cannot apply ${fix.id}/${c.n}: ${f.path} changed since the fix was computed (sha256 ${sha256(bytes).slice(0, 12)}, expected ${f.sha256.slice(0, 12)})`, {
        hint: `run agenttrace fix ${fix.runId} again on the current code`,
        data: { path: f.path },
      });
    }
    current.set(f.path, bytes);
  }
  return current;
}

export function applyFix(store: TraceStore, ref: string, now = Date.now()): ApplyResult {
  const fix = getFix(store, ref);
  if (fix.importedAt !== undefined) {
    throw new BadArgsError(`fix ${fix.id} came from a trace file: its patches were computed on another machine and are never applied here`, `compute fixes against your own files: agenttrace fix ${fix.runId}`);
  }
  const active = activeApply(store, fix.id);
  if (active) throw new BadArgsError(`fix ${fix.id} is already applied (candidate ${active.candidate})`, `undo it first: agenttrace fix undo ${fix.id}`);
  const c = pickCandidate(fix, ref);
  const current = checkFresh(fix, c);
  const files: AppliedFile[] = [];
  for (const f of c.files) {
    const before = current.get(f.path) as Buffer;
    const text = before.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(before)) throw new BadArgsError(`cannot apply to ${f.path}: it is not UTF-8 text`, 'apply the diff by hand');
    if (store.masker.mayContainSecret(text) && store.masker.secrets.maskText(text) !== text) {
      throw new AtrError('ATR_BAD_ARGS', `cannot apply to ${f.path}: the file holds a secret literal (an API key or token)`, {
        hint: 'move the secret to an environment variable and run the fix again; the undo would need the secret stored otherwise',
      });
    }
    files.push({ path: f.path, before: text, beforeSha256: f.sha256, afterSha256: sha256(f.after), mode: fs.statSync(f.path).mode & 0o7777 });
  }
  // All checks passed: write. A failure midway restores the files already written.
  const written: AppliedFile[] = [];
  try {
    for (const f of files) {
      writeAtomic(f.path, (c.files.find((x) => x.path === f.path) as FixCandidate['files'][number]).after, f.mode);
      written.push(f);
    }
  } catch (e) {
    for (const f of written) writeAtomic(f.path, f.before, f.mode);
    throw new AtrError('ATR_INTERNAL', `apply failed, files restored: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  recordApply(store, { fixId: fix.id, candidate: c.n, appliedAt: now, files });
  fix.applied = { n: c.n, at: now, files: files.map((f) => f.path) };
  saveFix(store, fix);
  return { fix, candidate: c, files: files.map((f) => f.path) };
}

export interface UndoResult {
  fix: FixReport;
  candidate: number;
  files: string[];
}

export function undoFix(store: TraceStore, ref: string, now = Date.now()): UndoResult {
  const fix = getFix(store, ref);
  const active = activeApply(store, fix.id);
  if (!active) throw new BadArgsError(`fix ${fix.id} is not applied`, `apply it with: agenttrace fix apply ${fix.id}`);
  for (const f of active.files) {
    let cur: Buffer;
    try {
      cur = fs.readFileSync(f.path);
    } catch {
      throw new AtrError('ATR_FIX_STALE', `cannot undo ${fix.id}: ${f.path} no longer exists`, { hint: 'restore the file (e.g. from version control), then undo again' });
    }
    if (sha256(cur) !== f.afterSha256) {
      throw new AtrError('ATR_FIX_STALE', `cannot undo ${fix.id}: ${f.path} changed since the fix was applied`, {
        hint: 'your later edits would be lost; revert them first or undo by hand',
        data: { path: f.path },
      });
    }
  }
  for (const f of active.files) writeAtomic(f.path, f.before, f.mode);
  recordUndo(store, fix.id, active.appliedAt, now);
  delete fix.applied;
  fix.undoneAt = now;
  saveFix(store, fix);
  return { fix, candidate: active.candidate, files: active.files.map((f) => f.path) };
}

/** Writes through a temp file in the same folder and a rename, so a reader never sees half a file. */
function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.agenttrace-${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { mode });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
