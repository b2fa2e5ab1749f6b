/**
 * The trace store: one SQLite file (`$AGENTTRACE_HOME/traces.db`, WAL) shared by the CLI and the workbench.
 * Runs, events (cheap values batched: one row covers seq..end_seq), keyframes, and content-addressed blobs shared
 * by all runs. Writes come through JournalIngestor (ingest.ts), finishRun and the store modules beside this file
 * (branchStore.ts, importRuns.ts); the SQLite handle never leaves src/engine/store (handle.ts).
 * Payloads are returned in the current trace format: a run stored with an older `format_version` is read through
 * the modernizer chain (src/shared/trace/payloadModernize.ts).
 */
import type Database from 'better-sqlite3';
import { PAYLOAD_STEPS, PayloadVersionError, applyPayloadSteps, payloadStepsFrom, type PayloadStep, type PayloadSteps } from '../../shared/trace/payloadModernize.js';
import { TRACE_FORMAT_VERSION, type FsPayload, type Json, type Keyframe, type RunStatus, type StateAtStep, type StatePayload, type TraceEvent } from '../../shared/trace/types.js';
import { AtrError, BadArgsError, AmbiguousIdError, NotFoundError } from '../errors.js';
import { agentTraceHome, storeFile } from '../settings/paths.js';
import { attachDb } from './handle.js';
import { JournalIngestor, type IngestorOptions } from './ingest.js';
import { RunLineage } from './lineage.js';
import type { Migration } from './migrations.js';
import { openDatabase } from './openDatabase.js';
import { expandRow, rowToListItem, rowToRun, type EventRow, type RunRow } from './rows.js';
import { StateFold } from './stateFold.js';
import { blobRows } from './blobRows.js';
import { chunkStore, type ChunkStore } from './chunkStore.js';
import { decodePayload } from './payloadCodec.js';
import { StoreMasker } from './storeMasker.js';
import { sweepStaleScratch } from './staging.js';
import { removeMarker, writeOpenMarker } from './storeFaults.js';
import { KEY_OF, dropRunKey } from './runKeys.js';
import type { EventQuery, RunEnd, RunListItem, StoredRun } from './storeTypes.js';

export interface OpenStoreOptions {
  /** AgentTrace home (default: agentTraceHome(env)). */
  home?: string;
  /** better_sqlite3.node for this runtime (default: env AGENTTRACE_SQLITE_BINDING, else better-sqlite3's own). */
  nativeBinding?: string;
  /** Environment whose secret values are masked defensively on ingest (default process.env). */
  env?: Record<string, string | undefined>;
  migrations?: readonly Migration[];
  /** Payload modernizer steps (default the released PAYLOAD_STEPS; tests substitute made-up versions). */
  payloadSteps?: PayloadSteps;
}

/** Stale import scratch folders are swept once per process, on its first store open. */
let swept = false;

export function openStore(opts: OpenStoreOptions = {}): TraceStore {
  const env = opts.env ?? process.env;
  const home = opts.home ?? agentTraceHome(env as NodeJS.ProcessEnv);
  const file = storeFile(home);
  if (!swept) {
    swept = true;
    sweepStaleScratch();
  }
  const db = openDatabase(file, { nativeBinding: opts.nativeBinding || env.AGENTTRACE_SQLITE_BINDING || undefined, migrations: opts.migrations });
  return new TraceStore(db, home, file, new StoreMasker(env), opts.payloadSteps, writeOpenMarker(file));
}

const EVENT_COLS = 'seq, end_seq, batched, kind, ts, payload, fingerprint, parent_seq';
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

type Statements = Record<'run' | 'containing' | 'event' | 'keyframeAtOrBefore' | 'kindBetween' | 'formatVersion', Database.Statement>;

export class TraceStore {
  readonly #db: Database.Database;
  #stmts: Statements | undefined;

  constructor(
    db: Database.Database,
    readonly home: string,
    readonly file: string,
    readonly masker: StoreMasker,
    private readonly payloadSteps: PayloadSteps = PAYLOAD_STEPS,
    /** This open's unclean-close marker (storeFaults.ts), removed by close(). */
    private readonly marker = '',
  ) {
    this.#db = db;
    attachDb(this, db);
  }

  /** Prepared on first use: a store opened with an older migration list (migration tests) only ingests. */
  private get stmts(): Statements {
    const db = this.#db;
    this.#stmts ??= {
      run: db.prepare('SELECT * FROM runs WHERE id = ?'),
      containing: db.prepare(`SELECT ${EVENT_COLS} FROM events WHERE run_key = ${KEY_OF} AND seq <= ? ORDER BY seq DESC LIMIT 1`),
      event: db.prepare(`SELECT ${EVENT_COLS} FROM events WHERE run_key = ${KEY_OF} AND seq = ?`),
      keyframeAtOrBefore: db.prepare(`SELECT seq, data FROM keyframes WHERE run_key = ${KEY_OF} AND seq <= ? ORDER BY seq DESC LIMIT 1`),
      kindBetween: db.prepare(`SELECT ${EVENT_COLS} FROM events WHERE run_key = ${KEY_OF} AND seq > ? AND seq <= ? AND kind = ? ORDER BY seq`),
      formatVersion: db.prepare('SELECT format_version FROM runs WHERE id = ?').pluck(),
    };
    return this.#stmts;
  }

  /** Where large payloads keep their chunks (undefined in a store opened with an older migration list). */
  private get chunks(): ChunkStore | undefined {
    return chunkStore(this.#db);
  }

  /** False once closed. */
  get open(): boolean {
    return this.#db.open;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
    removeMarker(this.marker);
  }

  /** Changes whenever another connection commits (`PRAGMA data_version`): a cheap "did anything change?" poll. */
  dataVersion(): number {
    return Number(this.#db.pragma('data_version', { simple: true }));
  }

  /**
   * Runs fn in one transaction: a consistent snapshot for reads (`deferred`), or the write lock taken up front
   * (`immediate`) for a read-compare-write that must not interleave with another process. A throw rolls it back.
   */
  transaction<T>(fn: () => T, mode: 'deferred' | 'immediate' = 'deferred'): T {
    const txn = this.#db.transaction(fn);
    return mode === 'immediate' ? txn.immediate() : txn();
  }

  /** A writer for one run's journal lines (live tail, final ingest, crash recovery). */
  ingestor(runId: string, opts: IngestorOptions = {}): JournalIngestor {
    return new JournalIngestor(this.#db, this.masker, runId, opts);
  }

  /** The lineage of a run (by id, or the run itself): its whole timeline across its ancestors, its root, its branches. */
  lineage(run: string | StoredRun): RunLineage {
    return new RunLineage(this, typeof run === 'string' ? this.getRun(run) : run);
  }

  /** Every run's parent link; children of one parent oldest first (as childRunIds orders them). */
  runLinks(): { id: string; parentId?: string }[] {
    const rows = this.#db.prepare('SELECT id, parent_id FROM runs ORDER BY started_at, id').all() as { id: string; parent_id: string | null }[];
    return rows.map((r) => (r.parent_id === null ? { id: r.id } : { id: r.id, parentId: r.parent_id }));
  }

  /** Resolves a unique id prefix to a run id. An exact id always wins (branch ids extend their trace's id). */
  resolveRunId(prefix: string): string {
    const p = prefix.trim();
    if (!p) throw new BadArgsError('empty run id', 'pass an id or a unique prefix from `agenttrace list`');
    if (this.stmts.run.get(p)) return p;
    const rows = this.#db.prepare('SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT 6').all(p, p + '\uffff') as { id: string }[];
    if (rows.length === 0) {
      const branch = this.resolveBranchPrefix(p);
      if (branch) return branch;
      throw new NotFoundError(`no run with id ${p}`, 'run `agenttrace list` to see the recorded runs', { prefix: p });
    }
    if (rows.length > 1) {
      // Branch ids extend their trace's id (`<id>__<name>`): a prefix that matches one trace and only its branches
      // means the trace.
      const root = rows[0].id;
      const foreign = this.#db
        .prepare("SELECT COUNT(*) AS n FROM runs WHERE id >= ? AND id < ? AND id <> ? AND NOT (id >= ? AND id < ?)")
        .get(p, p + '\uffff', root, root + '__', root + '__\uffff') as { n: number };
      if (foreign.n === 0) return root;
      throw new AmbiguousIdError(p, rows.map((r) => r.id));
    }
    return rows[0].id;
  }

  /**
   * A branch id written with its trace's id abbreviated (`3f2a__terse` for `3f2a…-…__terse`): the part before the
   * first `__` is resolved as a run id prefix (ambiguity reported for it), the rest completes the branch id.
   */
  private resolveBranchPrefix(p: string): string | undefined {
    const cut = p.indexOf('__');
    if (cut <= 0 || cut + 2 >= p.length) return undefined;
    let head: string;
    try {
      head = this.resolveRunId(p.slice(0, cut));
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
    const full = `${head}__${p.slice(cut + 2)}`;
    return full === p ? undefined : this.resolveRunId(full);
  }

  findRun(id: string): StoredRun | undefined {
    const row = this.stmts.run.get(id) as RunRow | undefined;
    return row ? rowToRun(row) : undefined;
  }

  getRun(id: string): StoredRun {
    const run = this.findRun(id);
    if (!run) throw new NotFoundError(`no run with id ${id}`);
    return run;
  }

  /** Runs, newest first. `query` matches id, name or script path (substring). */
  listRuns(opts: { limit?: number; offset?: number; query?: string } = {}): { runs: RunListItem[]; total: number } {
    const where = opts.query ? "WHERE id LIKE @q ESCAPE '\\' OR name LIKE @q ESCAPE '\\' OR script_path LIKE @q ESCAPE '\\'" : '';
    const q = opts.query ? `%${opts.query.replace(/[\\%_]/g, (c) => '\\' + c)}%` : undefined;
    const params = q === undefined ? {} : { q };
    const total = (this.#db.prepare(`SELECT count(*) AS n FROM runs ${where}`).get(params) as { n: number }).n;
    const rows = this.#db
      .prepare(`SELECT * FROM runs ${where} ORDER BY started_at DESC, id LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: opts.limit ?? -1, offset: opts.offset ?? 0 }) as RunRow[];
    return { runs: rows.map(rowToListItem), total };
  }

  /**
   * Events a run stored itself in seq order, batched values expanded to one event each (with their own seq). For a
   * branch these are only the events after its fork: `lineage(runId).events()` reads its whole timeline.
   */
  getEvents(runId: string, q: EventQuery = {}): TraceEvent[] {
    const from = Math.max(0, q.from ?? 0);
    const to = q.to ?? MAX_SEQ;
    const limit = q.limit ?? Infinity;
    const out: TraceEvent[] = [];
    if (to < from || limit <= 0) return out;
    // Start at the row that contains `from` (a batch may begin before it), so the range scan stays on the index.
    const containing = this.stmts.containing.get(runId, from) as EventRow | undefined;
    const start = containing && containing.end_seq >= from ? containing.seq : from;
    let sql = `SELECT ${EVENT_COLS} FROM events WHERE run_key = ${KEY_OF} AND seq >= ? AND seq <= ?`;
    const params: unknown[] = [runId, start, to];
    if (q.kinds && q.kinds.length > 0) {
      sql += ` AND kind IN (${q.kinds.map(() => '?').join(',')})`;
      params.push(...q.kinds);
    }
    const steps = this.stepsOf(runId);
    const chunks = this.chunks;
    for (const row of this.#db.prepare(`${sql} ORDER BY seq`).iterate(...params) as IterableIterator<EventRow>) {
      if (!expandRow(row, from, to, out, limit, steps, chunks)) break;
    }
    return out;
  }

  /** One event by seq (a value inside a batch included), or undefined. */
  getEvent(runId: string, seq: number): TraceEvent | undefined {
    const row = this.stmts.containing.get(runId, seq) as EventRow | undefined;
    if (!row || row.end_seq < seq) return undefined;
    const out: TraceEvent[] = [];
    expandRow(row, seq, seq, out, 1, this.stepsOf(runId), this.chunks);
    return out[0];
  }

  /** Number of events (seqs) stored for a run; optionally only those in [from, to] of some kinds (batches clipped). */
  countEvents(runId: string, q: Pick<EventQuery, 'from' | 'to' | 'kinds'> = {}): number {
    if (q.from === undefined && q.to === undefined && !q.kinds?.length) {
      const r = this.#db.prepare(`SELECT coalesce(sum(end_seq - seq + 1), 0) AS n FROM events WHERE run_key = ${KEY_OF}`).get(runId) as { n: number };
      return r.n;
    }
    const params: unknown[] = [q.to ?? MAX_SEQ, Math.max(0, q.from ?? 0), runId, Math.max(0, q.from ?? 0), q.to ?? MAX_SEQ];
    let sql = `SELECT coalesce(sum(min(end_seq, ?) - max(seq, ?) + 1), 0) AS n FROM events WHERE run_key = ${KEY_OF} AND end_seq >= ? AND seq <= ?`;
    if (q.kinds?.length) {
      sql += ` AND kind IN (${q.kinds.map(() => '?').join(',')})`;
      params.push(...q.kinds);
    }
    return (this.#db.prepare(sql).get(...params) as { n: number }).n;
  }

  /**
   * State at step `seq`: the nearest keyframe at or before it, plus the `state` deltas (and file writes) recorded
   * after that keyframe up to and including `seq`. A keyframe at seq k already contains event k's effects.
   * From the run's own rows: `lineage(runId).stateAt(seq)` reads a step up to a branch's fork from its ancestor.
   */
  stateAt(runId: string, seq: number): StateAtStep {
    const kfRow = this.stmts.keyframeAtOrBefore.get(runId, seq) as { seq: number; data: string } | undefined;
    const fold = new StateFold();
    const chunks = this.chunks;
    if (kfRow) fold.keyframe(JSON.parse(decodePayload(kfRow.data, chunks)) as Keyframe);
    const base = kfRow ? kfRow.seq : -1;
    const steps = this.stepsOf(runId);
    for (const row of this.stmts.kindBetween.iterate(runId, base, seq, 'state') as IterableIterator<EventRow>) fold.state(applyPayloadSteps('state', JSON.parse(decodePayload(row.payload, chunks)) as Json, steps) as StatePayload);
    for (const row of this.stmts.kindBetween.iterate(runId, base, seq, 'fs') as IterableIterator<EventRow>) fold.fs(applyPayloadSteps('fs', JSON.parse(decodePayload(row.payload, chunks)) as Json, steps) as FsPayload);
    return fold.at(seq);
  }

  /** The payload modernizer steps of a run's stored format (none for the current one or an unknown run). */
  private stepsOf(runId: string): readonly PayloadStep[] {
    const version = this.stmts.formatVersion.get(runId) as number | undefined;
    if (version === undefined || version === TRACE_FORMAT_VERSION) return [];
    try {
      return payloadStepsFrom(version, this.payloadSteps);
    } catch (e) {
      if (!(e instanceof PayloadVersionError)) throw e;
      throw new AtrError('ATR_TRACE_VERSION', `run ${runId}: ${e.message}`, { hint: e.hint, data: { runId, found: e.found, supported: e.supported } });
    }
  }

  getKeyframe(runId: string, seq: number): Keyframe | undefined {
    const row = this.#db.prepare(`SELECT data FROM keyframes WHERE run_key = ${KEY_OF} AND seq = ?`).get(runId, seq) as { data: string } | undefined;
    return row ? (JSON.parse(decodePayload(row.data, this.chunks)) as Keyframe) : undefined;
  }

  keyframeSeqs(runId: string): number[] {
    return (this.#db.prepare(`SELECT seq FROM keyframes WHERE run_key = ${KEY_OF} ORDER BY seq`).all(runId) as { seq: number }[]).map((r) => r.seq);
  }

  getBlob(hash: string): Buffer | undefined {
    return blobRows(this.#db).get(hash);
  }

  /**
   * Bytes of the store's pages in use (all pages but the free ones, those in the WAL included): what its data takes,
   * whatever free pages the file keeps for reuse.
   */
  usedBytes(): number {
    const pages = (this.#db.pragma('page_count', { simple: true }) as number) - (this.#db.pragma('freelist_count', { simple: true }) as number);
    return pages * (this.#db.pragma('page_size', { simple: true }) as number);
  }

  /** Journal bytes already ingested for a run (crash recovery resumes there). */
  journalOffset(runId: string): number {
    const row = this.#db.prepare('SELECT journal_offset AS o FROM runs WHERE id = ?').get(runId) as { o: number } | undefined;
    return row?.o ?? 0;
  }

  /** Runs forked from this one (branches and resumes), oldest first. */
  childRunIds(runId: string): string[] {
    return (this.#db.prepare('SELECT id FROM runs WHERE parent_id = ? ORDER BY started_at, id').all(runId) as { id: string }[]).map((r) => r.id);
  }

  /**
   * Deletes a run with its events and keyframes (blobs stay: they are shared and content-addressed). Used to replace
   * a resumed branch by a new resume at the same step; a run other runs fork from cannot be deleted.
   */
  deleteRun(runId: string): void {
    const children = this.childRunIds(runId);
    if (children.length > 0) throw new BadArgsError(`run ${runId} has ${children.length} branch${children.length === 1 ? '' : 'es'} (${children.slice(0, 3).join(', ')})`, 'delete or keep its branches first');
    this.#db.transaction(() => {
      this.#db.prepare(`DELETE FROM events WHERE run_key = ${KEY_OF}`).run(runId);
      this.#db.prepare(`DELETE FROM keyframes WHERE run_key = ${KEY_OF}`).run(runId);
      dropRunKey(this.#db, runId);
      this.#db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    })();
  }

  /**
   * What a watcher compares, for the newest runs: status, steps and revision (bumped each time events already stored
   * changed afterwards, e.g. locals added by replay after the run ended). Store bookkeeping, not run data: a trace
   * file does not carry it.
   */
  runStates(limit: number): { id: string; status: RunStatus; steps: number; revision: number }[] {
    return this.#db.prepare('SELECT id, status, steps, revision FROM runs ORDER BY started_at DESC, id LIMIT ?').all(limit) as { id: string; status: RunStatus; steps: number; revision: number }[];
  }

  /** A run's revision (see runStates); 0 for an unknown run. */
  revisionOf(runId: string): number {
    return (this.#db.prepare('SELECT revision FROM runs WHERE id = ?').pluck().get(runId) as number | undefined) ?? 0;
  }

  /** Sets the final status of a run (runner on exit, recovery after a crash). */
  finishRun(runId: string, end: RunEnd): void {
    this.#db
      .prepare(
        `UPDATE runs SET status = @status, exit_code = @code, exit_signal = @signal, ended_at = @endedAt,
         steps = max(steps, @steps) WHERE id = @id`,
      )
      .run({ id: runId, status: end.status, code: end.exit?.code ?? null, signal: end.exit?.signal ?? null, endedAt: end.endedAt, steps: end.steps ?? 0 });
  }
}
