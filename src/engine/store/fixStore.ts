/**
 * Store operations of the AutoFix Engine (migration 3): fix reports (one JSON FixReport per attempt, masked like
 * everything that reaches disk) and the history of applies. An apply row keeps, per file, the change it carried over
 * (masked texts) and the sha256 of the real file on both sides, so an undo can restore the file byte-identical
 * (apply.ts) without any secret reaching this table.
 */
import type { FailureClass, FixReport, FixStrategy, Verdict } from '../../shared/afe/types.js';
import type { FixListItem, FixStats } from '../../shared/rpc/fixContract.js';
import { AmbiguousIdError, BadArgsError, NotFoundError } from '../errors.js';
import { dbOf } from './handle.js';
import type { TraceStore } from './store.js';

/**
 * One file an apply wrote: where, the change it carried over (the candidate's texts, masked like the report) and the
 * sha256 of the real file before and after. The undo carries the reverse change back onto the real file.
 */
export interface AppliedFile {
  path: string;
  beforeSha256: string;
  afterSha256: string;
  /** The candidate's text before and after (masked): the change, not the file's bytes. */
  before: string;
  after: string;
  /** File mode before the apply (kept on write and on undo). */
  mode: number;
}

export interface ApplyRecord {
  fixId: string;
  candidate: number;
  appliedAt: number;
  undoneAt?: number;
  files: AppliedFile[];
}

export type { FixListItem };

/** Inserts or replaces a report (a running fix is saved at each stage; the last save wins). */
export function saveFix(store: TraceStore, report: FixReport): void {
  writeFix(store, report, 'replace');
}

/**
 * Writes a report, masked like everything that reaches disk. `keep`: a fix with this id already stored stays as it
 * is (an import must not overwrite a report that may have been applied here since); returns whether it was written.
 */
export function writeFix(store: TraceStore, report: FixReport, onConflict: 'replace' | 'keep'): boolean {
  const text = JSON.stringify(report);
  const masked = store.masker.json(report, text);
  const conflict = onConflict === 'replace' ? 'DO UPDATE SET status = @status, failure_class = @cls, best_verdict = @best, report = @report' : 'DO NOTHING';
  const res = dbOf(store)
    .prepare(`INSERT INTO fixes (id, run_id, created_at, status, failure_class, best_verdict, report) VALUES (@id, @run, @at, @status, @cls, @best, @report) ON CONFLICT(id) ${conflict}`)
    .run({
      id: masked.id,
      run: masked.runId,
      at: masked.createdAt,
      status: masked.status,
      cls: masked.failure?.class ?? null,
      best: masked.candidates[0]?.verdict ?? null,
      report: masked === report ? text : JSON.stringify(masked),
    });
  return res.changes > 0;
}

/** A fix by id or unique id prefix (`fix-3f2a`, `3f2a`); a clear error otherwise. */
export function getFix(store: TraceStore, ref: string): FixReport {
  const p = ref.trim().replace(/\/\d+$/, '');
  if (!p) throw new BadArgsError('empty fix id', 'pass an id from `agenttrace fix list`');
  const prefix = p.startsWith('fix-') ? p : `fix-${p}`;
  const rows = dbOf(store).prepare('SELECT id, report FROM fixes WHERE id = ? OR (id >= ? AND id < ?) ORDER BY id LIMIT 6').all(prefix, prefix, prefix + '\uffff') as { id: string; report: string }[];
  const exact = rows.find((r) => r.id === prefix);
  if (exact) return JSON.parse(exact.report) as FixReport;
  if (rows.length === 0) throw new NotFoundError(`no fix with id ${p}`, 'list the fix attempts with `agenttrace fix list`');
  if (rows.length > 1) throw new AmbiguousIdError(p, rows.map((r) => r.id));
  return JSON.parse(rows[0].report) as FixReport;
}

/** Fix attempts, newest first; only those of `runId` when given. */
export function listFixes(store: TraceStore, opts: { runId?: string; limit?: number } = {}): FixListItem[] {
  const where = opts.runId ? 'WHERE run_id = @run' : '';
  return (dbOf(store).prepare(`${LIST_COLUMNS} FROM fixes ${where} ORDER BY created_at DESC, id LIMIT @limit`).all({ ...(opts.runId ? { run: opts.runId } : {}), limit: opts.limit ?? -1 }) as ListRow[]).map(toListItem);
}

/** The latest fix of each of these runs (for the traces list's verdict column): one query, no report parsed. */
export function latestFixByRun(store: TraceStore, runIds: string[]): Map<string, FixListItem> {
  const out = new Map<string, FixListItem>();
  if (runIds.length === 0) return out;
  const rows = dbOf(store)
    .prepare(`${LIST_COLUMNS} FROM fixes WHERE run_id IN (${runIds.map(() => '?').join(',')}) ORDER BY created_at DESC, id`)
    .all(...runIds) as ListRow[];
  for (const r of rows) if (!out.has(r.run_id)) out.set(r.run_id, toListItem(r));
  return out;
}

/** A fix's list columns; `applied` is the candidate of the apply in effect (fix_applies), so no report is parsed. */
const LIST_COLUMNS = `SELECT id, run_id, created_at, status, failure_class, best_verdict,
  (SELECT a.candidate FROM fix_applies a WHERE a.fix_id = fixes.id AND a.undone_at IS NULL ORDER BY a.applied_at DESC LIMIT 1) AS applied`;

interface ListRow {
  id: string;
  run_id: string;
  created_at: number;
  status: FixReport['status'];
  failure_class: FailureClass | null;
  best_verdict: Verdict | null;
  applied: number | null;
}

function toListItem(r: ListRow): FixListItem {
  return {
    id: r.id,
    runId: r.run_id,
    createdAt: r.created_at,
    status: r.status,
    ...(r.failure_class ? { failureClass: r.failure_class } : {}),
    ...(r.best_verdict ? { bestVerdict: r.best_verdict } : {}),
    ...(r.applied !== null ? { applied: r.applied } : {}),
  };
}


export function recordApply(store: TraceStore, rec: ApplyRecord): void {
  dbOf(store)
    .prepare('INSERT INTO fix_applies (fix_id, candidate, applied_at, undone_at, files) VALUES (?, ?, ?, NULL, ?)')
    .run(rec.fixId, rec.candidate, rec.appliedAt, JSON.stringify(rec.files));
}

/** The apply of this fix that is in effect (not undone), if any. */
export function activeApply(store: TraceStore, fixId: string): ApplyRecord | undefined {
  const row = dbOf(store)
    .prepare('SELECT fix_id, candidate, applied_at, files FROM fix_applies WHERE fix_id = ? AND undone_at IS NULL ORDER BY applied_at DESC LIMIT 1')
    .get(fixId) as { fix_id: string; candidate: number; applied_at: number; files: string } | undefined;
  return row ? { fixId: row.fix_id, candidate: row.candidate, appliedAt: row.applied_at, files: JSON.parse(row.files) as AppliedFile[] } : undefined;
}

export function recordUndo(store: TraceStore, fixId: string, appliedAt: number, undoneAt: number): void {
  dbOf(store).prepare('UPDATE fix_applies SET undone_at = ? WHERE fix_id = ? AND applied_at = ?').run(undoneAt, fixId, appliedAt);
}

/**
 * How often fixes of this class were applied and kept (not undone), by strategy: the "historical pattern" factor of
 * the ranking. Laplace-smoothed, so a pattern never seen scores 0.5. Read once per ranking (it parses the reports).
 */
export function patternSuccess(store: TraceStore, cls: FailureClass): (strategy: FixStrategy) => number {
  const rows = dbOf(store)
    .prepare(
      `SELECT a.undone_at AS undone, f.report AS report, a.candidate AS candidate FROM fix_applies a JOIN fixes f ON f.id = a.fix_id
       WHERE f.failure_class = ?`,
    )
    .all(cls) as { undone: number | null; report: string; candidate: number }[];
  const counts = new Map<FixStrategy, { applied: number; kept: number }>();
  for (const r of rows) {
    const c = (JSON.parse(r.report) as FixReport).candidates.find((x) => x.n === r.candidate);
    if (!c) continue;
    const n = counts.get(c.strategy) ?? { applied: 0, kept: 0 };
    n.applied++;
    if (r.undone === null) n.kept++;
    counts.set(c.strategy, n);
  }
  return (strategy) => ((counts.get(strategy)?.kept ?? 0) + 1) / ((counts.get(strategy)?.applied ?? 0) + 2);
}

/** Root runs (recordings, not branches) of a script, newest first: the AFE's pool of recorded answers. */
export function runsOfScript(store: TraceStore, scriptPath: string, limit = 10): { id: string; status: string }[] {
  return dbOf(store)
    .prepare("SELECT id, status FROM runs WHERE script_path = ? AND parent_id IS NULL AND status <> 'running' ORDER BY started_at DESC, id LIMIT ?")
    .all(scriptPath, limit) as { id: string; status: string }[];
}

/** The dashboard strip: runs (root recordings), failing ones, ones whose latest fix has a fixing candidate. */
export function fixStats(store: TraceStore, runningFixes: number): FixStats {
  const row = dbOf(store)
    .prepare(
      `SELECT count(*) AS runs,
         sum(CASE WHEN status IN ('failed','crashed') THEN 1 ELSE 0 END) AS failing,
         sum(CASE WHEN EXISTS (SELECT 1 FROM fixes f WHERE f.run_id = runs.id AND f.best_verdict IN ('fixed','fixed_simulated')) THEN 1 ELSE 0 END) AS fixed
       FROM runs WHERE parent_id IS NULL`,
    )
    .get() as { runs: number; failing: number | null; fixed: number | null };
  return { runs: row.runs, failing: row.failing ?? 0, fixed: row.fixed ?? 0, pendingValidation: runningFixes };
}

