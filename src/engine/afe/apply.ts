/**
 * `fix apply` / `fix undo`: the only place where the AutoFix Engine writes the user's files, and only when asked.
 * Apply refuses when any file's sha256 differs from the one the candidate was computed against (stale), writes each
 * file atomically (temp file in the same folder, then rename, mode kept) and records what it replaced; undo checks
 * that the files still hold what apply wrote and restores the recorded bytes exactly.
 * The report keeps the files' texts MASKED (no secret reaches disk), so the real bytes are never taken from it: the
 * change (masked before → masked after) is carried over onto the real file line by line (`carryOver`), and the undo
 * carries the reverse change back. Lines the change keeps come from the real file (a key written in the script stays
 * as it is); a change that would remove or write a line holding a secret is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FixCandidate, FixReport } from '../../shared/afe/types.js';
import { AtrError, BadArgsError } from '../errors.js';
import { activeApply, getFix, recordApply, recordUndo, saveFix, type AppliedFile } from '../store/fixStore.js';
import type { TraceStore } from '../store/store.js';
import { sha256 } from './sourceFiles.js';
import { diffLines, splitLines } from '../../shared/afe/unifiedDiff.js';
import { MASK } from '../../shared/trace/redact.js';

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

/** A file's bytes when its sha256 is `expected`; otherwise what is wrong with it. */
function readExpected(file: string, expected: string): { bytes: Buffer } | { missing: true } | { actual: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return { missing: true };
  }
  const actual = sha256(bytes);
  return actual === expected ? { bytes } : { actual };
}

/** Checks every file of a candidate against its recorded sha256; returns the current bytes. */
function checkFresh(fix: FixReport, c: FixCandidate): Map<string, Buffer> {
  const current = new Map<string, Buffer>();
  for (const f of c.files) {
    const r = readExpected(f.path, f.sha256);
    if ('missing' in r) throw new AtrError('ATR_FIX_STALE', `cannot apply ${fix.id}/${c.n}: ${f.path} no longer exists`, { hint: `run agenttrace fix ${fix.runId} again` });
    if ('actual' in r) {
      throw new AtrError('ATR_FIX_STALE', `cannot apply ${fix.id}/${c.n}: ${f.path} changed since the fix was computed (sha256 ${r.actual.slice(0, 12)}, expected ${f.sha256.slice(0, 12)})`, {
        hint: `run agenttrace fix ${fix.runId} again on the current code`,
        data: { path: f.path },
      });
    }
    current.set(f.path, r.bytes);
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
  const writes = new Map<string, string>();
  for (const f of c.files) {
    const real = (current.get(f.path) as Buffer).toString('utf8');
    if (!Buffer.from(real, 'utf8').equals(current.get(f.path) as Buffer)) throw new BadArgsError(`cannot apply to ${f.path}: it is not UTF-8 text`, 'apply the diff by hand');
    const after = carryOver(f.path, real, f.before, f.after);
    writes.set(f.path, after);
    files.push({ path: f.path, before: f.before, after: f.after, beforeSha256: f.sha256, afterSha256: sha256(after), mode: fs.statSync(f.path).mode & 0o7777 });
  }
  // All checks passed: write. A failure midway restores the files already written.
  const written: AppliedFile[] = [];
  try {
    for (const f of files) {
      writeAtomic(f.path, writes.get(f.path) as string, f.mode);
      written.push(f);
    }
  } catch (e) {
    for (const f of written) writeAtomic(f.path, (current.get(f.path) as Buffer).toString('utf8'), f.mode);
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
  const restore = new Map<string, string>();
  for (const f of active.files) {
    const r = readExpected(f.path, f.afterSha256);
    if ('missing' in r) throw new AtrError('ATR_FIX_STALE', `cannot undo ${fix.id}: ${f.path} no longer exists`, { hint: 'restore the file (e.g. from version control), then undo again' });
    if ('actual' in r) {
      throw new AtrError('ATR_FIX_STALE', `cannot undo ${fix.id}: ${f.path} changed since the fix was applied`, {
        hint: 'your later edits would be lost; revert them first or undo by hand',
        data: { path: f.path },
      });
    }
    // The reverse change, carried onto the file as it is now: the bytes apply found come back exactly.
    restore.set(f.path, carryOver(f.path, r.bytes.toString('utf8'), f.after, f.before));
  }
  for (const f of active.files) writeAtomic(f.path, restore.get(f.path) as string, f.mode);
  recordUndo(store, fix.id, active.appliedAt, now);
  delete fix.applied;
  fix.undoneAt = now;
  saveFix(store, fix);
  return { fix, candidate: active.candidate, files: active.files.map((f) => f.path) };
}

/**
 * The change from `from` to `to` (texts as the report keeps them: masked) carried onto `real` (the file's real text,
 * whose masked form is `from`): unchanged lines come from `real`, removed lines must be exactly what `real` holds
 * there, added lines come from `to` and must not hold a masked secret. Line-local masking keeps the line counts equal.
 */
export function carryOver(file: string, real: string, from: string, to: string): string {
  const r = splitLines(real);
  const a = splitLines(from);
  const b = splitLines(to);
  if (r.length !== a.length) throw new AtrError('ATR_FIX_STALE', `cannot change ${file}: it does not match the text the fix was computed against`, { hint: 'run the fix again on the current code' });
  const { delA, addB } = diffLines(a, b);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && delA[i]) {
      if (r[i] !== a[i]) throw secretLine(file, i);
      i++;
    } else if (j < b.length && addB[j]) {
      if (b[j].includes(MASK) && r.some((line, k) => line !== a[k])) throw secretLine(file, j);
      out.push(b[j++]);
    } else {
      out.push(r[i++]);
      j++;
    }
  }
  return out.join('');
}

function secretLine(file: string, index: number): AtrError {
  return new AtrError('ATR_BAD_ARGS', `cannot change line ${index + 1} of ${file}: it holds a secret (an API key or token), which the fix report keeps masked`, {
    hint: 'move the secret to an environment variable and run the fix again, or make this change by hand',
  });
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
