/**
 * Store operations of branches (issue 4), kept beside the TraceStore rather than inside it: creating a branch row,
 * storing its edits (the `overrides` column, seq → normalized EventOverride), clearing its events before it runs
 * again, and deleting a branch subtree. A branch never writes to its parent's rows: every statement here is keyed by
 * the branch's own id.
 */
import type { EventOverride } from '../../shared/trace/overrides.js';
import { TRACE_FORMAT_VERSION } from '../../shared/trace/types.js';
import { dbOf } from './handle.js';
import { KEY_OF } from './runKeys.js';
import type { TraceStore } from './store.js';
import type { StoredRun } from './storeTypes.js';

export interface NewBranch {
  id: string;
  name: string;
  parent: StoredRun;
  forkSeq: number;
}

/**
 * Inserts a `pending` branch row that copies its parent's script, arguments, folder and environment (it re-runs the
 * same program). Returns false when a run with this id exists already (nothing is written then).
 */
export function insertBranch(store: TraceStore, b: NewBranch): boolean {
  const p = b.parent;
  const res = dbOf(store)
    .prepare(
      `INSERT OR IGNORE INTO runs (id, name, parent_id, fork_seq, overrides, script_path, script_sha256, script_source, argv, cwd, env,
         node_version, sdk_version, format_version, mode, keyframe_every, started_at, status, steps)
       VALUES (@id, @name, @parent_id, @fork_seq, '{}', @script_path, @script_sha256, @script_source, @argv, @cwd, @env,
         @node_version, @sdk_version, @format_version, 'branch', @keyframe_every, @started_at, 'pending', 0)`,
    )
    .run({
      id: b.id,
      name: b.name,
      parent_id: p.id,
      fork_seq: b.forkSeq,
      script_path: p.scriptPath,
      script_sha256: p.scriptSha256,
      script_source: p.scriptSource ?? null,
      argv: JSON.stringify(p.argv),
      cwd: p.cwd,
      env: JSON.stringify(p.env),
      node_version: p.nodeVersion,
      sdk_version: p.sdkVersion,
      format_version: p.formatVersion || TRACE_FORMAT_VERSION,
      keyframe_every: p.keyframeEvery,
      started_at: Date.now(),
    });
  return res.changes === 1;
}

/** The edits of a branch by seq (empty for a run without any). */
export function branchOverrides(run: StoredRun): Map<number, EventOverride> {
  const out = new Map<number, EventOverride>();
  for (const [k, v] of Object.entries(run.overrides ?? {})) {
    const seq = Number(k);
    if (Number.isSafeInteger(seq) && v && typeof v === 'object' && !Array.isArray(v)) out.set(seq, v as unknown as EventOverride);
  }
  return out;
}

/** Stores (or replaces) the edit of event `seq`; secrets in it are masked first, like everything that reaches disk. */
export function setOverride(store: TraceStore, runId: string, seq: number, override: EventOverride): void {
  const masked = store.masker.json(override, JSON.stringify(override));
  const db = dbOf(store);
  db.transaction(() => {
    const row = db.prepare('SELECT overrides FROM runs WHERE id = ?').get(runId) as { overrides: string | null } | undefined;
    const all = (row?.overrides ? JSON.parse(row.overrides) : {}) as Record<string, unknown>;
    all[String(seq)] = masked;
    const sorted = Object.fromEntries(Object.entries(all).sort((a, b) => Number(a[0]) - Number(b[0])));
    db.prepare('UPDATE runs SET overrides = ? WHERE id = ?').run(JSON.stringify(sorted), runId);
  })();
}

/** Removes the edit of event `seq`; returns whether there was one. */
export function removeOverride(store: TraceStore, runId: string, seq: number): boolean {
  const db = dbOf(store);
  return db.transaction(() => {
    const row = db.prepare('SELECT overrides FROM runs WHERE id = ?').get(runId) as { overrides: string | null } | undefined;
    const all = (row?.overrides ? JSON.parse(row.overrides) : {}) as Record<string, unknown>;
    if (!(String(seq) in all)) return false;
    delete all[String(seq)];
    db.prepare('UPDATE runs SET overrides = ? WHERE id = ?').run(JSON.stringify(all), runId);
    return true;
  })();
}

/**
 * Clears what an earlier run of a branch stored (events, keyframes, status, totals, warnings) so it can run again.
 * The row itself stays, with its name, fork, edits and children. Status: `running` when a host starts it right away
 * (a host that dies from here on leaves it to crash recovery, like a recording), `pending` when an agent may start
 * it later (environment-variable mode: its journal's run line then makes it `running`).
 */
export function resetBranchRun(store: TraceStore, runId: string, status: 'running' | 'pending' = 'running'): void {
  const db = dbOf(store);
  db.transaction(() => {
    db.prepare(`DELETE FROM events WHERE run_key = ${KEY_OF}`).run(runId);
    db.prepare(`DELETE FROM keyframes WHERE run_key = ${KEY_OF}`).run(runId);
    db.prepare(
      `UPDATE runs SET status = @status, exit_code = NULL, exit_signal = NULL, ended_at = NULL, steps = 0, llm_calls = 0,
         prompt_tokens = 0, completion_tokens = 0, total_tokens = 0, warnings = '[]', journal_offset = 0, started_at = @now
       WHERE id = @id`,
    ).run({ status, now: Date.now(), id: runId });
  })();
}

/** Deletes runs (children before parents, see RunLineage.descendants) in one transaction: all of them or none. */
export function deleteRuns(store: TraceStore, ids: string[]): void {
  store.transaction(() => {
    for (const id of ids) store.deleteRun(id);
  });
}

/** Ids of the traces that have branches, newest first (the `branch list` overview). */
export function tracesWithBranches(store: TraceStore): string[] {
  const rows = dbOf(store)
    .prepare(
      `SELECT r.id FROM runs r WHERE r.parent_id IS NULL AND EXISTS (SELECT 1 FROM runs c WHERE c.parent_id = r.id)
       ORDER BY r.started_at DESC, r.id`,
    )
    .all() as { id: string }[];
  return rows.map((r) => r.id);
}
