/**
 * Journal ingestion: turns journal lines (src/shared/trace/journal.ts) into store rows, one transaction per chunk.
 * Invariants:
 * - Idempotent: re-ingesting lines already stored gives the same rows (events/keyframes are replaced, blobs
 *   ignored, patches are merges, usage totals are recomputed, not accumulated), so recovery can never double count.
 * - The journal offset is committed in the same transaction as the lines it covers: after a crash of the host,
 *   recovery resumes exactly after the last committed line.
 * - A patch may arrive long after its event (a streamed response); a patch for a seq not stored yet waits in
 *   memory until its event comes.
 * - A branch run (a resume recorded by replaying its parent up to the fork) stores only the events after its fork
 *   step (`keepAfterSeq`, or the run line's forkSeq): the earlier ones are its parent's. The state they built is
 *   folded into one keyframe at the fork step, so seeking inside the branch never needs the parent.
 * - Replay records (diverge/verify/verdict) are kept on the ingestor for the host; a divergence that stopped the replay
 *   and a state mismatch are noted in the run's warnings (a branch going live at its first changed request is not).
 * Hot path: >= 100k events/s. Secret masking is skipped for chunks that cannot contain a secret (storeMasker.ts);
 * a chunk's event rows are held until its end (chunkRows.ts), so a patch that follows its event closely is merged in
 * memory and the event written once, 32 rows per INSERT.
 */
import type Database from 'better-sqlite3';
import type { JournalEnd, JournalLine } from '../../shared/trace/journal.js';
import type { DivergenceReport, ReplayVerdict, StateVerification } from '../../shared/trace/tape.js';
import { TRACE_FORMAT_VERSION, type FsPayload, type Json, type RunMeta, type StatePayload } from '../../shared/trace/types.js';
import { callFailed } from '../../shared/afe/callFailed.js';
import { TraceVersionError } from '../errors.js';
import { checkLine, isSeq } from './checkLine.js';
import { metaParams } from './rows.js';
import { StateFold } from './stateFold.js';
import type { StoreMasker } from './storeMasker.js';
import { blobRows, type BlobRows } from './blobRows.js';
import { chunkStore, type ChunkStore } from './chunkStore.js';
import { decodePayload, encodePayload } from './payloadCodec.js';
import { ChunkRows } from './chunkRows.js';
import { ensureRunKey } from './runKeys.js';
import { ingestStatements, type IngestStatements } from './ingestStatements.js';
import { blobLargeBodies, completeCall } from './ingestDerived.js';

/** Warnings kept per run (diagnostics, not data: bounded so a noisy recorder cannot bloat the row). */
const MAX_WARNINGS = 100;

export interface IngestorOptions {
  /** Run metadata used when the journal has no run line (the agent died at startup). */
  fallbackMeta?: RunMeta;
  hostPid?: number;
  /**
   * Store only events with seq > this (a branch's fork step). Default: the run line's forkSeq when it names a
   * parent, else the stored run's fork step (recovery of a branch journal that started mid-way).
   */
  keepAfterSeq?: number;
  /** Fields the host decides whatever the run line says (a resume: its parent, fork step and mode). */
  metaOverrides?: Partial<RunMeta>;
}

export interface IngestResult {
  lines: number;
  events: number;
  bad: number;
}

export class JournalIngestor {
  private readonly db: Database.Database;
  private readonly s: IngestStatements;
  private readonly blobs: BlobRows;
  /** Undefined in a store opened with an older migration list. */
  private readonly chunks: ChunkStore | undefined;
  private readonly pendingPatches = new Map<number, Record<string, Json>>();
  private readonly txn: Database.Transaction<(text: string, endOffset: number | undefined) => IngestResult>;
  /** The end record, once seen. */
  end: JournalEnd | undefined;
  sawRunLine = false;
  /** Replay records, once seen (a replaying SDK writes each at most once). */
  divergence: DivergenceReport | undefined;
  verification: StateVerification | undefined;
  verdict: ReplayVerdict | undefined;
  /** Events up to this seq belong to the parent run and are not stored (see keepAfterSeq). */
  private forkSeq: number | undefined;
  private failureSigns = false;
  /** State built before the fork; only complete (and written) when this ingestor read the journal from its start. */
  private fork: StateFold | undefined;
  private forkDirty = false;

  /** Created by TraceStore.ingestor(), which owns the handle. */
  constructor(
    db: Database.Database,
    private readonly masker: StoreMasker,
    readonly runId: string,
    private readonly opts: IngestorOptions = {},
  ) {
    this.db = db;
    this.s = ingestStatements(this.db);
    this.blobs = blobRows(this.db);
    this.chunks = chunkStore(this.db);
    const stored = opts.keepAfterSeq ?? (this.s.forkOf.get(runId) as number | null | undefined);
    if (isSeq(stored)) this.forkSeq = stored;
    this.txn = this.db.transaction((text: string, endOffset: number | undefined) => this.apply(text, endOffset));
  }

  /**
   * Ingests journal text in one transaction. Only complete lines count: a last line without '\n' is torn (the
   * writer was killed mid-line) and skipped. `endOffset` is the journal byte offset just after this text.
   */
  ingestText(text: string, endOffset?: number): IngestResult {
    // A failed transaction rolls the rows back; roll the in-memory patch queue back with them, so the retry of
    // the same text (the offset did not advance) merges the same patches again.
    const saved = this.pendingPatches.size > 0 ? new Map(this.pendingPatches) : undefined;
    try {
      // IMMEDIATE: the write lock is taken (waiting on busy_timeout) before the chunk's first read (its run key): a
      // deferred transaction that has read cannot wait for another process's write, it fails with SQLITE_BUSY.
      return this.txn.immediate(text, endOffset);
    } catch (e) {
      this.pendingPatches.clear();
      if (saved) for (const [k, v] of saved) this.pendingPatches.set(k, v);
      throw e;
    }
  }

  /** Ingests already-parsed lines (tests, imports). */
  ingestLines(lines: JournalLine[]): IngestResult {
    return this.ingestText(lines.map((l) => JSON.stringify(l) + '\n').join(''));
  }

  /**
   * True once a line showed something failure detection looks for (detect.ts): an `error` event, a call or a patch
   * carrying an error or a response status of 400 or more, or a line that could not be read. A run whose whole
   * journal showed none of these and that exited cleanly has no failure to find (see tracedRun.ts).
   */
  get sawFailureSigns(): boolean {
    return this.failureSigns;
  }

  /** This ingestor stores a branch run (events after a fork): detection also reads its parent's events. */
  get isBranch(): boolean {
    return this.forkSeq !== undefined;
  }

  /** Patches that never met their event (the event line was lost). */
  get orphanPatches(): number[] {
    return [...this.pendingPatches.keys()];
  }

  private apply(text: string, endOffset: number | undefined): IngestResult {
    const res: IngestResult = { lines: 0, events: 0, bad: 0 };
    const masker = this.masker;
    // Resolved once per chunk, inside its transaction (a run deleted and recorded again gets a new key).
    const run = this.s.keyed ? ensureRunKey(this.db, this.runId) : this.runId;
    const rows = new ChunkRows(this.s.insertEvent, this.s.insertEvents, run, this.chunks);
    // One trigger test for the whole chunk: almost all chunks are clean and skip masking entirely.
    const chunkMayHaveSecrets = masker.mayContainSecret(text);
    const warnings: string[] = [];
    let maxSeq = -1;
    let usageDirty = false;
    /** A stored event changed (a patch merged into it): the run's revision goes up once for this chunk. */
    let changedStored = false;
    let start = 0;
    let lineNo = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break; // torn last line
      const raw = text.slice(start, nl);
      start = nl + 1;
      lineNo++;
      if (!raw) continue;
      let line: JournalLine;
      try {
        line = JSON.parse(raw) as JournalLine;
        const problem = checkLine(line);
        if (problem) throw new Error(problem);
      } catch (e) {
        res.bad++;
        this.failureSigns = true;
        warnings.push(`journal line ${lineNo} skipped: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      res.lines++;
      switch (line.t) {
        case 'run': {
          const meta = { ...line.meta, ...this.opts.metaOverrides };
          if ((meta.formatVersion ?? 1) > TRACE_FORMAT_VERSION) throw new TraceVersionError(`journal of run ${this.runId}`, meta.formatVersion, TRACE_FORMAT_VERSION);
          if (this.opts.keepAfterSeq === undefined && typeof meta.parentId === 'string' && isSeq(meta.forkSeq)) this.forkSeq = meta.forkSeq;
          const m = { ...meta, id: this.runId };
          this.s.upsertRun.run(metaParams(chunkMayHaveSecrets ? masker.json(m, raw) : m));
          this.sawRunLine = true;
          if (this.forkSeq !== undefined) this.fork = new StateFold();
          break;
        }
        case 'ev': {
          if (line.kind === 'error' || ((line.kind === 'llm' || line.kind === 'http') && callFailed(line.payload))) this.failureSigns = true;
          // A recording leaves an LLM call's messages and a text body's fingerprint to the host: added from the
          // payload as the recorder wrote it, before masking.
          const call = completeCall(line.kind, line.payload, typeof line.fp === 'string' ? line.fp : undefined);
          let payload = chunkMayHaveSecrets ? masker.json(call.payload, raw) : call.payload;
          if (this.forkSeq !== undefined && line.seq <= this.forkSeq) {
            this.foldBeforeFork(line.kind, payload);
            break;
          }
          // After the fork check: a branch's events up to its fork are its parent's (their bodies stored there).
          payload = blobLargeBodies(payload, this.putBlob);
          if (this.pendingPatches.size > 0) {
            const pending = this.pendingPatches.get(line.seq);
            if (pending) {
              payload = { ...(payload as Record<string, Json>), ...pending };
              this.pendingPatches.delete(line.seq);
            }
          }
          rows.event(line.seq, line.kind, line.ts, payload, call.fp ?? null, isSeq(line.parent) ? line.parent : null);
          if (line.seq > maxSeq) maxSeq = line.seq;
          if (line.kind === 'llm') usageDirty = true;
          res.events++;
          break;
        }
        case 'patch': {
          if (callFailed(line.payload)) this.failureSigns = true;
          if (this.forkSeq !== undefined && line.seq <= this.forkSeq) break;
          const fields = blobLargeBodies(chunkMayHaveSecrets ? masker.json(line.payload, raw) : line.payload, this.putBlob) as Record<string, Json>;
          // Most patches follow their event within the chunk: merged in memory, the event is written once.
          const heldKind = rows.patch(line.seq, fields);
          if (heldKind !== undefined) {
            if (heldKind === 'llm') usageDirty = true;
            break;
          }
          const row = this.s.eventForPatch.get(run, line.seq) as { kind: string; payload: string } | undefined;
          if (!row) {
            this.pendingPatches.set(line.seq, { ...(this.pendingPatches.get(line.seq) ?? {}), ...fields });
            break;
          }
          const merged = { ...(JSON.parse(decodePayload(row.payload, this.chunks)) as Record<string, Json>), ...fields };
          this.s.updatePayload.run(encodePayload(JSON.stringify(merged), merged, this.chunks), run, line.seq);
          changedStored = true;
          if (row.kind === 'llm') usageDirty = true;
          break;
        }
        case 'batch': {
          // f64 batches stay base64 float64 in the store (compact, no decode on the hot path); JSON ones stay JSON.
          let f64 = typeof line.f64 === 'string' ? line.f64 : undefined;
          let values = line.values;
          let first = line.seq;
          let n = f64 !== undefined ? Math.floor(Buffer.byteLength(f64, 'base64') / 8) : values.length;
          if (this.forkSeq !== undefined && first <= this.forkSeq) {
            // Keep only the values after the fork (a batch may straddle it).
            const drop = Math.min(n, this.forkSeq - first + 1);
            if (f64 !== undefined) f64 = Buffer.from(f64, 'base64').subarray(drop * 8, n * 8).toString('base64');
            else values = values.slice(drop);
            first += drop;
            n -= drop;
          }
          if (n === 0) break;
          const lib = line.lib === true ? { lib: true } : {};
          const payload = JSON.stringify(f64 !== undefined ? { source: line.source, f64, ...lib } : { source: line.source, values: chunkMayHaveSecrets ? masker.json(values, raw) : values, ...lib });
          rows.batch(first, first + n - 1, line.kind, line.ts, payload, isSeq(line.parent) ? line.parent : null);
          if (first + n - 1 > maxSeq) maxSeq = first + n - 1;
          res.events += n;
          break;
        }
        case 'blob': {
          // Checked before masking too: a blob already stored (a run recorded again) is neither masked nor deflated.
          if (!this.blobs.has(line.hash)) this.putBlob(line.hash, masker.bytes(Buffer.from(line.b64, 'base64')));
          break;
        }
        case 'kf': {
          const kf = chunkMayHaveSecrets ? masker.json(line.keyframe, raw) : line.keyframe;
          if (this.forkSeq !== undefined && line.keyframe.seq <= this.forkSeq) {
            this.fork?.keyframe(kf);
            this.forkDirty = true;
            break;
          }
          this.s.insertKeyframe.run(run, line.keyframe.seq, encodePayload(JSON.stringify(kf), undefined, this.chunks));
          break;
        }
        case 'end':
          this.end = line;
          this.ensureRun();
          this.s.end.run(line.status, int(line.exit?.code), typeof line.exit?.signal === 'string' ? line.exit.signal : null, line.endedAt, int(line.steps) ?? 0, this.runId);
          break;
        case 'warn':
          warnings.push(masker.secrets.maskText(String(line.message)));
          break;
        case 'diverge':
          this.divergence ??= chunkMayHaveSecrets ? masker.json(line.report, raw) : line.report;
          // Under `live`/`fallback` (a branch or a resume) the run continues past the first unmatched request by
          // design: an edited reply changes every later prompt. Only a replay stopped by a divergence is a warning.
          if (line.report.policy === 'live' || line.report.policy === 'fallback') break;
          warnings.push(`replay diverged at step ${String(line.report.seq)} (${String(line.report.kind)}): ${masker.secrets.maskText(String(line.report.message))}`);
          break;
        case 'verify':
          this.verification = line.result;
          if (!line.result.ok) warnings.push(`state at step ${String(line.result.seq)} differs from the recording: ${(line.result.paths ?? []).slice(0, 10).join(', ')}`);
          break;
        case 'verdict':
          this.verdict = chunkMayHaveSecrets ? masker.json(line.verdict, raw) : line.verdict;
          break;
      }
    }
    rows.flush();
    if (this.fork && this.forkDirty && this.forkSeq !== undefined) {
      this.s.insertKeyframe.run(run, this.forkSeq, encodePayload(JSON.stringify(this.fork.toKeyframe(this.forkSeq, 'fork')), undefined, this.chunks));
      this.forkDirty = false;
    }
    if (res.lines > 0 || res.bad > 0 || endOffset !== undefined) this.ensureRun();
    this.s.progress.run(maxSeq + 1, endOffset ?? null, this.opts.hostPid ?? null, this.runId);
    if (changedStored) this.s.bumpRevision?.run(this.runId);
    if (usageDirty) this.s.usage.run({ id: this.runId, key: run });
    if (warnings.length > 0) this.addWarnings(warnings);
    return res;
  }

  /** Stores a blob once: blobs are shared and content-addressed, one already stored (a run recorded again) is not encoded again. */
  private readonly putBlob = (hash: string, bytes: Buffer): void => this.blobs.put(hash, bytes);

  /** Folds a pre-fork event into the fork keyframe (only state deltas and file events change the state). */
  private foldBeforeFork(kind: string, payload: Json): void {
    if (!this.fork) return;
    if (kind === 'state') this.fork.state(payload as unknown as StatePayload);
    else if (kind === 'fs') this.fork.fs(payload as unknown as FsPayload);
    else return;
    this.forkDirty = true;
  }

  /** Makes sure the run has a row (a journal without run line, or no journal at all: the agent died at startup). */
  ensureRunRow(): void {
    this.db.transaction(() => this.ensureRun())();
  }

  /** Appends host-side diagnostics to the run. */
  addWarningsTxn(warnings: string[]): void {
    this.db.transaction(() => {
      this.ensureRun();
      this.addWarnings(warnings);
    })();
  }

  /** Records that the journal ended in the middle of a line (the writer was killed while writing it). */
  noteTornTail(bytes: number): void {
    this.db.transaction(() => {
      this.ensureRun();
      this.addWarnings([`torn last journal line (${bytes} bytes) dropped: the agent was killed while writing it`]);
    })();
  }

  /** Events may precede the run line only in a damaged journal: keep them reachable under a minimal run. */
  private ensureRun(): void {
    if (this.s.runExists.get(this.runId)) return;
    const meta: RunMeta = this.opts.fallbackMeta ?? {
      id: this.runId,
      scriptPath: '(unknown: the journal has no run record)',
      scriptSha256: '',
      argv: [],
      cwd: '',
      env: {},
      nodeVersion: '',
      sdkVersion: '',
      formatVersion: TRACE_FORMAT_VERSION,
      mode: 'record',
      keyframeEvery: 10,
      startedAt: Date.now(),
      pid: 0,
    };
    this.s.upsertRun.run(metaParams(this.masker.json({ ...meta, id: this.runId })));
  }

  private addWarnings(add: string[]): void {
    const current = JSON.parse((this.s.warnings.get(this.runId) as string | undefined) ?? '[]') as string[];
    const next = [...current, ...add].slice(0, MAX_WARNINGS);
    this.s.setWarnings.run(JSON.stringify(next), this.runId);
  }
}

const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : null);
