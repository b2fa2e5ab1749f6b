/**
 * The in-process recorder: assigns seqs, masks secrets and appends journal lines with synchronous writes on the
 * original fs functions. Lines are buffered and written together every JOURNAL_FLUSH_MS (one writeSync instead of
 * ~8 per LLM call), before anything the agent prints (flush()), at exit and at end(): a SIGKILLed process loses at
 * most one flush interval of events and of batched values.
 * IMPORTANT: every method is synchronous and never throws into the agent; faults degrade to one stderr line.
 */
import type { JournalBatch, JournalDiverge, JournalLine, JournalVerdict, JournalVerify } from '../../src/shared/trace/journal.js';
import type { BlobRef, EventKind, ExitPayload, Json, Keyframe, PayloadByKind, RunMeta, RunStatus } from '../../src/shared/trace/types.js';
import { SecretSet } from '../../src/shared/trace/redact.js';
import { orig, sha256 } from './originals.js';
import { JournalBuffer } from './journalBuffer.js';
import { runInternalSync } from './internal.js';
import { calledByLibrary, libraryQuestionClosed, refillLibraryChecks } from './libraryCaller.js';

/** Journal lines wait at most this long in memory (the crash-loss bound); value batches close every other tick. */
const JOURNAL_FLUSH_MS = 25;
const BATCH_MAX = 4096;
/** The f64 batch encoding is little-endian; on a big-endian host numeric values stay JSON. */
const F64_OK = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

export interface RecorderOptions {
  journalPath: string;
  meta: RunMeta;
  secrets: SecretSet;
}

type BatchKind = 'random' | 'time' | 'crypto';

export class Recorder {
  readonly meta: RunMeta;
  readonly secrets: SecretSet;
  private fd: number;
  private seq = 0;
  private readonly blobsWritten = new Set<string>();
  private batchKind: BatchKind | null = null;
  private batchSource = '';
  private batchSeq = 0;
  private batchTs = 0;
  private batchValues: Json[] = [];
  /** The open batch holds values consumed by library code (libraryCaller.ts): such values never share a batch. */
  private batchLib = false;
  /** The enclosing step of the open batch's values (steps flush the batch when they begin and end). */
  private batchParent: number | undefined;
  /**
   * The enclosing step of an event being recorded now (the SDK's step context), so calls, values and console lines
   * nest under the step that made them. Unset: no nesting recorded.
   */
  parentOf: (() => number | undefined) | undefined;
  /**
   * Numeric batches (Math.random, Date.now, performance.now...) are kept in a Float64Array and written as base64
   * (`f64`): formatting doubles as JSON text costs ~80 ns each, which alone would make a recorded Math.random ~10x
   * native. parseJournal turns `f64` back into `values`, so readers see plain numbers.
   */
  private readonly batchF64 = F64_OK ? new Float64Array(BATCH_MAX) : null;
  private batchN = 0;
  /** One token per numeric source that has a lane (see numberLane), keyed by source name. */
  private readonly lanes = new Map<string, { kind: BatchKind }>();
  /** The lane token of the open batch while it is that source's f64 batch; null otherwise. */
  private openLane: { kind: BatchKind } | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticks = 0;
  /** Buffered journal bytes (written when full, every JOURNAL_FLUSH_MS, before agent output, at exit and end). */
  private readonly out: JournalBuffer;
  private warned = new Set<string>();
  private ended = false;
  private readonly cursorCounts: Record<string, number> = {};
  /** Values of the open batch already added to cursorCounts. */
  private batchCounted = 0;
  /** Listeners called after each non-batched event (keyframe policy, state deltas, replay signature check). */
  private readonly afterEvent: ((seq: number, kind: EventKind, payload: unknown, fingerprint: string | undefined) => void)[] = [];
  /** Listeners called by end() before the end line (replay verdict); one may replace the status. */
  private readonly beforeEnd: ((status: RunStatus, exit: ExitPayload) => RunStatus | void)[] = [];
  /** Nesting of withoutAgentFrames sections on the current stack. */
  private noAgentFramesDepth = 0;
  /** Listeners called before a non-batched event gets its seq (tracked-state deltas noticed so far go first). */
  private readonly beforeEvent: ((kind: EventKind) => void)[] = [];
  constructor(opts: RecorderOptions) {
    this.meta = opts.meta;
    this.secrets = opts.secrets;
    this.fd = orig.openSync(opts.journalPath, 'a');
    this.out = new JournalBuffer(this.fd, (e) => {
      if (this.warned.has('journal')) return;
      this.warned.add('journal');
      orig.stderrWrite(`agenttrace: cannot write the journal (${e instanceof Error ? e.message : String(e)}); recording stops\n`);
    });
    this.write({ t: 'run', meta: opts.meta });
    this.timer = orig.setInterval(() => {
      runInternalSync(() => {
        if (++this.ticks % 2 === 0) this.flushBatch();
        this.flush();
        refillLibraryChecks();
      });
    }, JOURNAL_FLUSH_MS);
    this.timer.unref();
    // A worker thread's recorder never gets end(); every thread's last buffered lines are written at its exit.
    process.on('exit', () => this.flush());
  }

  /**
   * Consumed-value counters per source ("Math.random", "llm", ...), saved in keyframes as tape cursors. Batched
   * values are counted when read or flushed, not per value: a keyed store per Math.random call costs ~13 ns once
   * several sources are in use.
   */
  get cursors(): Record<string, number> {
    this.settleCursors();
    return this.cursorCounts;
  }

  private settleCursors(): void {
    if (this.batchKind === null) return;
    const pending = this.batchN + this.batchValues.length - this.batchCounted;
    if (pending > 0) {
      this.cursorCounts[this.batchSource] = (this.cursorCounts[this.batchSource] ?? 0) + pending;
      this.batchCounted += pending;
    }
  }

  /** Number of seqs assigned so far (= the next seq). */
  get steps(): number {
    return this.seq;
  }

  /** Records an event and returns its seq. Payload strings are secret-masked by the caller-specific helpers. */
  emit<K extends EventKind>(kind: K, payload: PayloadByKind[K], extra?: { fingerprint?: string; parentSeq?: number }): number {
    for (const fn of this.beforeEvent) {
      try {
        fn(kind);
      } catch (e) {
        this.fault('before-event hook', e);
      }
    }
    this.flushBatch();
    const seq = this.seq++;
    this.cursorCounts[kind] = (this.cursorCounts[kind] ?? 0) + 1;
    const line: JournalLine = { t: 'ev', seq, kind, ts: orig.dateNow(), payload: payload as unknown as Json };
    if (extra?.fingerprint) line.fp = extra.fingerprint;
    const parent = extra?.parentSeq ?? (kind === 'step' || kind === 'tool' ? undefined : this.enclosingStep());
    if (parent !== undefined) line.parent = parent;
    this.write(line);
    for (const fn of this.afterEvent) {
      try {
        fn(seq, kind, payload, extra?.fingerprint);
      } catch (e) {
        this.fault('after-event hook', e);
      }
    }
    return seq;
  }

  /** Merges fields into an already-emitted event (response arrived, step finished). */
  patch(seq: number, payload: Record<string, unknown>): void {
    this.write({ t: 'patch', seq, payload: payload as Json });
  }

  /**
   * Runs fn, which records from a continuation of the SDK's own that no frame of the agent is on (the body of a
   * request read before it is dispatched): a keyframe written meanwhile knows its stack is empty without capturing it.
   */
  withoutAgentFrames<T>(fn: () => T): T {
    this.noAgentFramesDepth++;
    try {
      return fn();
    } finally {
      this.noAgentFramesDepth--;
    }
  }

  /** True inside withoutAgentFrames. */
  get agentFramesAbsent(): boolean {
    return this.noAgentFramesDepth > 0;
  }

  /** Records one cheap value (Math.random, Date.now, ...) in a batch; returns its seq. Hot path: keep it lean. */
  value(kind: BatchKind, source: string, v: Json): number {
    const lib = calledByLibrary(Recorder.prototype.value);
    if (this.batchKind !== kind || this.batchSource !== source || this.batchLib !== lib || this.batchN + this.batchValues.length >= BATCH_MAX) {
      this.flushBatch();
      this.batchKind = kind;
      this.batchSource = source;
      this.batchLib = lib;
      this.batchParent = this.enclosingStep();
      this.batchSeq = this.seq;
      this.batchTs = orig.dateNow();
      const lane = this.lanes.get(source);
      // A library batch never continues through a lane: the agent's next value must start its own batch.
      this.openLane = !lib && lane !== undefined && lane.kind === kind && this.batchF64 !== null ? lane : null;
    }
    if (typeof v === 'number' && this.batchF64 !== null && this.batchValues.length === 0) this.batchF64[this.batchN++] = v;
    else {
      // A non-number in a numeric batch: continue it as JSON values (sources are type-stable, so this is rare).
      if (this.batchN > 0) this.moveF64ToValues();
      this.batchValues.push(v);
      this.openLane = null;
    }
    return this.seq++;
  }

  /**
   * The hot path of one numeric source (Math.random, Date.now, performance.now): a function that appends a number
   * to the open batch with a single identity check while that batch is this source's f64 batch, else takes value().
   * Returns the value's seq. Measured: about a third of value()'s cost per call.
   */
  numberLane(kind: BatchKind, source: string): (v: number) => number {
    let lane = this.lanes.get(source);
    if (lane === undefined || lane.kind !== kind) {
      lane = { kind };
      this.lanes.set(source, lane);
    }
    const token = lane;
    // A batch of this source already open in f64 mode continues through the lane.
    if (this.batchKind === kind && this.batchSource === source && !this.batchLib && this.batchF64 !== null && this.batchValues.length === 0) this.openLane = token;
    const f64 = this.batchF64;
    return (v: number): number => {
      // While library checks are left, value() asks who called (libraryCaller.ts); a hot loop has spent them. A
      // caller already known to be a library (withKnownCaller) is marked even then.
      if (this.openLane === token && this.batchN < BATCH_MAX && libraryQuestionClosed()) {
        (f64 as Float64Array)[this.batchN++] = v;
        return this.seq++;
      }
      return this.value(kind, source, v);
    };
  }

  /**
   * value() for a number, the replay's hot path: the open numeric batch of the same source simply continues (one
   * typed-array store), anything else takes the general path.
   */
  valueNumber(kind: BatchKind, source: string, v: number): number {
    if (this.batchKind === kind && this.batchSource === source && !this.batchLib && libraryQuestionClosed() && this.batchN < BATCH_MAX && this.batchF64 !== null && this.batchValues.length === 0) {
      this.batchF64[this.batchN++] = v;
      return this.seq++;
    }
    return this.value(kind, source, v);
  }

  flushBatch(): void {
    this.openLane = null;
    if (this.batchKind === null || (this.batchValues.length === 0 && this.batchN === 0)) {
      this.batchKind = null;
      return;
    }
    this.settleCursors();
    this.batchCounted = 0;
    if (this.batchN > 0 && this.batchF64 !== null) {
      // Hand-built line: base64 needs no escaping, and JSON.stringify would scan ~44 KB per flush.
      const head: JournalBatch = { t: 'batch', seq: this.batchSeq, kind: this.batchKind, source: this.batchSource, ts: this.batchTs, values: [] };
      if (this.batchLib) head.lib = true;
      if (this.batchParent !== undefined) head.parent = this.batchParent;
      const bytes = new Uint8Array(this.batchF64.buffer, 0, this.batchN * 8);
      this.batchKind = null;
      this.batchN = 0;
      this.out.base64Line(JSON.stringify(head).slice(0, -1) + ',"f64":"', bytes, '"}\n');
      return;
    }
    const line: JournalBatch = { t: 'batch', seq: this.batchSeq, kind: this.batchKind, source: this.batchSource, ts: this.batchTs, values: this.batchValues };
    if (this.batchLib) line.lib = true;
    if (this.batchParent !== undefined) line.parent = this.batchParent;
    this.batchKind = null;
    this.batchValues = [];
    this.write(line);
  }

  private enclosingStep(): number | undefined {
    try {
      return this.parentOf?.();
    } catch (e) {
      this.fault('step nesting', e);
      return undefined;
    }
  }

  private moveF64ToValues(): void {
    if (this.batchF64 !== null) for (let i = 0; i < this.batchN; i++) this.batchValues.push(this.batchF64[i]);
    this.batchN = 0;
  }

  /** Stores bytes as a content-addressed blob (once per hash) and returns its reference. */
  blob(data: Uint8Array | string): BlobRef {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const hash = sha256(bytes);
    if (!this.blobsWritten.has(hash)) {
      this.blobsWritten.add(hash);
      this.write({ t: 'blob', hash, b64: bytes.toString('base64') });
    }
    return { blob: hash, size: bytes.byteLength, encoding: isUtf8(bytes) ? 'utf8' : 'binary' };
  }

  keyframe(kf: Keyframe): void {
    this.flushBatch();
    this.write({ t: 'kf', keyframe: kf });
  }

  /**
   * fn gets the event's payload too (read-only: it is already written), e.g. fs writes for keyframe file maps, and
   * its fingerprint (calls), for the replay's signature check.
   */
  onAfterEvent(fn: (seq: number, kind: EventKind, payload: unknown, fingerprint: string | undefined) => void): void {
    this.afterEvent.push(fn);
  }

  /** fn runs once, inside end(), before the end line is written (replay: the verdict); it may replace the status. */
  onBeforeEnd(fn: (status: RunStatus, exit: ExitPayload) => RunStatus | void): void {
    this.beforeEnd.push(fn);
  }

  /** True once end() has run. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Replay only: writes a diverge, verify or verdict line (after any pending batch, so lines stay in seq order). */
  replayLine(line: JournalDiverge | JournalVerify | JournalVerdict): void {
    this.flushBatch();
    this.write(line);
    // Rare and decisive (a divergence may be followed by the process stopping hard): on disk at once.
    this.flush();
  }

  /** fn runs before each non-batched event is assigned its seq; events it emits come first. */
  onBeforeEvent(fn: (kind: EventKind) => void): void {
    this.beforeEvent.push(fn);
  }

  /** Writes the end record. Idempotent: only the first call counts. */
  end(status: RunStatus, exit: ExitPayload): void {
    if (this.ended) return;
    this.ended = true;
    for (const fn of this.beforeEnd) {
      try {
        status = fn(status, exit) ?? status;
      } catch (e) {
        this.fault('before-end hook', e);
      }
    }
    this.flushBatch();
    this.write({ t: 'end', status, exit, endedAt: orig.dateNow(), steps: this.seq });
    this.flush();
    if (this.timer) orig.clearInterval(this.timer);
  }

  /** Reports a recorder fault once per context on stderr; recording degrades, the agent runs on. */
  fault(where: string, e: unknown): void {
    if (this.warned.has(where)) return;
    this.warned.add(where);
    const msg = e instanceof Error ? e.message : String(e);
    try {
      orig.stderrWrite(`agenttrace: ${where} failed (${msg}); recording continues without it\n`);
      this.write({ t: 'warn', message: `${where}: ${msg}` });
    } catch {
      // Nothing more can be done without harming the agent.
    }
  }

  private write(line: JournalLine): void {
    this.out.text(JSON.stringify(line) + '\n');
  }

  /**
   * Writes the buffered journal lines now. Called before the agent's output leaves the process (console capture),
   * so every line the agent printed has its events on disk before it, as unbuffered writes had.
   */
  flush(): void {
    this.out.flush();
  }
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const GLOBAL_KEY = Symbol.for('agenttrace.recorder');

/** The active recorder of this process, shared with any copy of the public SDK module (`agenttrace/sdk`). */
export function activeRecorder(): Recorder | undefined {
  return (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] as Recorder | undefined;
}

export function setActiveRecorder(r: Recorder): void {
  Object.defineProperty(globalThis, GLOBAL_KEY, { value: r, enumerable: false, configurable: true });
}
