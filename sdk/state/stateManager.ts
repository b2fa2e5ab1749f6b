/**
 * The state runtime behind the public API: tracked objects with per-step deltas, steps/tools, snapshots, and the
 * keyframe policy (every N steps, plus forced keyframes where locals were captured).
 *
 * Invariants:
 * - A keyframe at seq k contains the effects of every event <= k (the store's `stateAt` applies only later deltas).
 *   So pending tracked-state deltas are always emitted before a keyframe is written, at seq = last assigned seq.
 * - Everything here runs synchronously on the agent's hot path and never throws into it (faults degrade).
 * - Serialization of user objects runs internal, so getters that read the clock or Math.random never touch tapes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventKind, FsPayload, Json, Keyframe, StepPayload } from '../../src/shared/trace/types.js';
import { diffJson } from '../../src/shared/trace/stateDiff.js';
import { maskJson } from '../../src/shared/trace/redact.js';
import type { Recorder } from '../core/recorder.js';
import { runInternalSync } from '../core/internal.js';
import type { LocalsInspector } from '../core/inspector.js';
import type { CaptureResult } from '../core/scopeReader.js';
import { currentStack } from '../core/stackFrames.js';
import { DATA_BOUNDS, boundedJson, type BoundOptions } from './boundedJson.js';
import type { StateRuntime, StepKind, StepToken } from './runtimeApi.js';
import { CaptureBudget } from './captureBudget.js';
import { userGlobals, globalsBaseline } from './userGlobals.js';
import { applyFsEvent } from '../../src/shared/trace/fsFiles.js';
import { orig } from '../core/originals.js';

const STEP_IO_BOUNDS: BoundOptions = { ...DATA_BOUNDS, maxDepth: 6, maxKeys: 200, maxString: 16 * 1024, maxChars: 64 * 1024 };
/** LLM-call captures waiting for their `llm` event; older ones are dropped. */
const PENDING_LLM_MAX = 16;
const PENDING_LLM_TTL_MS = 30_000;
/** Failed steps whose error stack is added at exit. */
const STEP_ERRORS_MAX = 200;
const perfNow = orig.perfNow;
/** JSON characters serialized per unit of check cost (about 0.5 ms); see checkAll. */
const CHECK_UNIT_CHARS = 32 * 1024;

interface OpenStep extends StepToken {
  /** The enclosing step's seq, restored by leaveStep. */
  parent: number | undefined;
  t0: number;
  done: boolean;
}

interface Tracked {
  obj: object;
  /** JSON text of the unmasked view last recorded (cheap change test). */
  raw: string;
  /** The masked view last recorded (diff base; keyframes carry it). */
  view: Json;
}

export class StateManager implements StateRuntime {
  readonly version = 1 as const;
  private readonly tracked = new Map<string, Tracked>();
  private readonly stepAls = new AsyncLocalStorage<number>();
  private readonly files: Record<string, string | null> = {};
  private readonly pendingLlm: { at: number; capture: CaptureResult }[] = [];
  private readonly baseline: Set<string>;
  private readonly stepErrors: { seq: number; err: WeakRef<Error> }[] = [];
  private lastKeyframeSeq = -1;
  /** Seqs an LLM client takes between its `create` and the call's `llm` event (ids, clock reads); see llmKeyframeDue. */
  private llmLag = 0;
  private llmHitAt: number | undefined;
  private busy = false;
  /** Unforced checks still to skip after an expensive one (see checkAll). */
  private skipChecks = 0;

  constructor(
    private readonly rec: Recorder,
    private readonly insp: LocalsInspector | undefined,
    readonly budget = new CaptureBudget(insp),
  ) {
    this.baseline = globalsBaseline();
    rec.onBeforeEvent((kind) => this.beforeEvent(kind));
    rec.onAfterEvent((seq, kind, payload) => this.afterEvent(seq, kind, payload));
    // Events and values recorded inside a step nest under it (the span tree); an ALS read, never on the hot path
    // of a value (only when a batch opens).
    rec.parentOf = () => this.stepAls.getStore();
  }

  // ---- public API (through SdkRuntime) ----

  track(name: string, obj: object): void {
    this.guard('track', () => {
      const key = String(name);
      if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) return;
      const prev = this.tracked.get(key);
      if (prev && prev.obj === obj) return;
      const t: Tracked = { obj, raw: '', view: null };
      this.tracked.set(key, t);
      const wasBusy = this.busy;
      this.busy = true;
      try {
        this.checkOne(key, t, prev?.view);
      } finally {
        this.busy = wasBusy;
      }
    });
  }

  beginStep(kind: StepKind, name: string, input: unknown): OpenStep | undefined {
    let token: OpenStep | undefined;
    this.guard(kind, () => {
      // No explicit flush here: emit's before-event hook records pending deltas ahead of the step event.
      const parent = this.stepAls.getStore();
      const payload: StepPayload = { name: String(name) };
      if (input !== undefined) payload.input = this.view(input);
      const seq = this.rec.emit(kind, payload, parent !== undefined ? { parentSeq: parent } : undefined);
      if (this.budget.allow()) {
        const cap = this.insp?.capture();
        if (cap && cap.frames.length) this.writeKeyframe(cap, `${kind} ${payload.name}`);
      }
      // enterWith instead of run(): no extra frame between the public function and the step function.
      this.stepAls.enterWith(seq);
      token = { seq, parent, t0: perfNow(), done: false };
    });
    return token;
  }

  leaveStep(token: StepToken): void {
    this.guard('step', () => {
      // The step's values so far are its own; what follows belongs to the enclosing step.
      this.rec.flushBatch();
      this.stepAls.enterWith((token as OpenStep).parent as number);
    });
  }

  endStep(token: StepToken, ok: boolean, value: unknown): void {
    const t = token as OpenStep;
    if (t.done) return;
    t.done = true;
    this.guard('step end', () => {
      this.rec.flushBatch();
      const durationMs = Math.round((perfNow() - t.t0) * 1000) / 1000;
      const patch: Partial<StepPayload> = { durationMs };
      if (ok) {
        if (value !== undefined) patch.output = this.view(value);
      } else {
        patch.error = errorInfo(value, this.rec);
        if (value instanceof Error && this.stepErrors.length < STEP_ERRORS_MAX) this.stepErrors.push({ seq: t.seq, err: new WeakRef(value) });
      }
      this.rec.patch(t.seq, patch as Record<string, unknown>);
      this.flushState();
    });
  }

  snapshot(label?: string): void {
    this.guard('snapshot', () => {
      this.flushState();
      this.writeKeyframe(this.insp?.capture(), label ? String(label) : 'snapshot');
    });
  }

  // ---- internal runtime (errors, exit, LLM breakpoints) ----

  flushState(): void {
    if (this.busy) return;
    this.busy = true;
    try {
      this.checkAll(true);
    } finally {
      this.busy = false;
    }
  }

  finalize(): void {
    this.flushState();
    for (const { seq, err } of this.stepErrors.splice(0)) {
      this.guard('step error stack', () => {
        const e = err.deref();
        if (e && typeof e.stack === 'string') this.rec.patch(seq, { error: { ...errorInfo(e, this.rec), stack: this.rec.secrets.maskText(e.stack) } });
      });
    }
  }

  forceKeyframe(capture: CaptureResult | undefined, label: string): void {
    this.guard('keyframe', () => this.writeKeyframe(capture, label));
  }

  trackedState(): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const [name, t] of this.tracked) out[name] = t.view;
    return out;
  }

  /**
   * True when the next event would be due for a keyframe by the every-N policy: only then is an LLM client call
   * worth a locals pause (its `llm` event becomes that keyframe, with the caller's locals).
   */
  llmKeyframeDue(): boolean {
    this.llmHitAt = this.rec.steps;
    return this.llmKeyframeAhead();
  }

  /** llmKeyframeDue without noting a call: would an LLM call starting now be due for a keyframe? */
  llmKeyframeAhead(): boolean {
    return this.rec.steps + this.llmLag - this.lastKeyframeSeq >= this.rec.meta.keyframeEvery;
  }

  /** LLM events recorded so far. */
  get llmCalls(): number {
    return this.rec.cursors.llm ?? 0;
  }

  /** Locals captured at an LLM client call; written as a keyframe at that call's `llm` event. */
  llmCallCaptured(capture: CaptureResult): void {
    if (this.pendingLlm.length >= PENDING_LLM_MAX) this.pendingLlm.shift();
    this.pendingLlm.push({ at: perfNow(), capture });
  }

  // ---- the event hooks ----

  /**
   * Before an event: a change of tracked state made since the last event is recorded first, so the state at the
   * agent's `console.log(state)` step is the state it printed.
   */
  private beforeEvent(kind: EventKind): void {
    if (this.busy || kind === 'state') return;
    this.busy = true;
    try {
      const before = this.rec.steps;
      this.checkAll(kind === 'step' || kind === 'tool' || kind === 'error' || kind === 'exit');
      // Deltas just emitted count as steps for the every-N policy too.
      if (this.rec.steps !== before) this.maybeKeyframe();
    } catch (e) {
      this.rec.fault('state capture', e);
    } finally {
      this.busy = false;
    }
  }

  /** After an event: file map, the debugger's cost (see CaptureBudget), and the keyframe policy. */
  private afterEvent(seq: number, kind: EventKind, payload: unknown): void {
    if (kind === 'fs') applyFsEvent(this.files, payload as FsPayload);
    this.budget.assess(this.llmCalls);
    if (kind === 'llm' && this.llmHitAt !== undefined) {
      this.llmLag = Math.min(Math.max(0, seq - this.llmHitAt), this.rec.meta.keyframeEvery - 1);
      this.llmHitAt = undefined;
    }
    if (this.busy) return;
    this.busy = true;
    try {
      const llm = kind === 'llm' ? this.takePendingLlm() : undefined;
      if (llm) this.writeKeyframe(llm, 'llm call');
      else this.maybeKeyframe();
    } catch (e) {
      this.rec.fault('state capture', e);
    } finally {
      this.busy = false;
    }
  }

  /** The every-N policy: a keyframe once N seqs passed since the last one. Caller holds `busy`. */
  private maybeKeyframe(): void {
    if (this.rec.steps - 1 - this.lastKeyframeSeq < this.rec.meta.keyframeEvery) return;
    if (this.rec.meta.mode === 'replay') {
      // A pure replay keeps only its verdict (its journal is read for that, then dropped): a periodic keyframe would
      // be built and never read. The policy still moves on, so when a replay reads locals (at an exception), LLM
      // calls are due for locals exactly where the recording's were.
      this.lastKeyframeSeq = this.rec.steps - 1;
      return;
    }
    // Locals only when the agent's own frames are on the stack (a console.log, a file write) and affordable. An
    // event the recorder emits from its own continuation (a fetch's request, its body read first) has none.
    const stack = this.rec.agentFramesAbsent ? [] : currentStack();
    const own = stack.some((f) => !f.url.includes('/node_modules/'));
    const cap = own && this.budget.allow() ? this.insp?.capture() : undefined;
    this.writeKeyframe(cap ?? { frames: [], stack }, undefined);
  }

  private takePendingLlm(): CaptureResult | undefined {
    const now = perfNow();
    while (this.pendingLlm.length && now - this.pendingLlm[0].at > PENDING_LLM_TTL_MS) this.pendingLlm.shift();
    return this.pendingLlm.shift()?.capture;
  }

  // ---- tracked state ----

  /** Checks every tracked object; unforced checks are skipped after expensive ones. */
  private checkAll(force: boolean): void {
    if (this.tracked.size === 0) return;
    if (!force && this.skipChecks > 0) {
      this.skipChecks--;
      return;
    }
    let chars = 0;
    for (const [name, t] of this.tracked) chars += this.checkOne(name, t, t.view);
    // Bound the overhead by the work done, never by the clock: state events take seqs, so a clock-based throttle
    // made every later seq depend on machine load and replays diverged under load. Serializing ~32 KB of JSON costs
    // about 0.5 ms; each such unit skips the next 10 unforced checks (smaller states are checked at every event).
    this.skipChecks = Math.floor(chars / CHECK_UNIT_CHARS) * 10;
  }

  /**
   * Emits a `state` event when the object's view changed since the last check; returns the size of the JSON it
   * serialized (the check's cost). Caller holds `busy`.
   */
  private checkOne(name: string, t: Tracked, base: Json | undefined): number {
    const rawView = runInternalSync(() => boundedJson(t.obj, DATA_BOUNDS));
    const raw = JSON.stringify(rawView);
    if (raw === t.raw) return raw.length;
    const view = maskJson(rawView, this.rec.secrets);
    const ops = t.raw === '' && base === undefined ? [{ op: 'set' as const, path: [], value: view }] : diffJson(base, view);
    t.raw = raw;
    t.view = view;
    if (ops.length) this.rec.emit('state', { name, ops });
    return raw.length;
  }

  // ---- keyframes ----

  private writeKeyframe(capture: CaptureResult | undefined, label: string | undefined): void {
    // A keyframe describes the state after some event; before the first one there is nothing to anchor it to.
    if (this.rec.steps === 0) return;
    const wasBusy = this.busy;
    this.busy = true;
    try {
      // IMPORTANT: no state check here. Keyframes at LLM calls depend on the locals budget (a clock), so a check here
      // could emit a state event (a seq) in one run and not in its replay. The views last recorded are exactly the
      // fold of the deltas so far, which is what a keyframe must hold; explicit snapshots flush first.
      const tracked: Record<string, Json> = {};
      for (const [name, t] of this.tracked) tracked[name] = t.view;
      const kf: Keyframe = {
        seq: this.rec.steps - 1,
        tracked,
        globals: maskJson(userGlobals(this.baseline), this.rec.secrets),
        frames: maskJson(capture?.frames ?? [], this.rec.secrets),
        stack: capture?.stack ?? currentStack(),
        files: { ...this.files },
        cursors: { ...this.rec.cursors },
      };
      if (label) kf.label = label;
      this.rec.keyframe(kf);
      this.lastKeyframeSeq = kf.seq;
    } finally {
      this.busy = wasBusy;
    }
  }

  // ---- helpers ----

  private view(v: unknown): Json {
    return maskJson(
      runInternalSync(() => boundedJson(v, STEP_IO_BOUNDS)),
      this.rec.secrets,
    );
  }

  private guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.rec.fault(where, e);
    }
  }
}

/**
 * A thrown value as {name, message}. IMPORTANT: `.stack` is not read here: the error is rethrown to the agent and
 * may end up uncaught, and a formatted stack changes the source line Node prints for it (see boundedJson). The
 * stack is added at exit (`finalize`), when nothing can be printed differently any more.
 */
function errorInfo(e: unknown, rec: Recorder): { name: string; message: string } {
  if (e instanceof Error) return { name: String(e.name), message: rec.secrets.maskText(String(e.message)) };
  return { name: typeof e, message: rec.secrets.maskText(String(e)) };
}

