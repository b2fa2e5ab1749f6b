/**
 * Same-thread V8 inspector access for locals capture (DESIGN §3): one `inspector.Session` with `Debugger.enable`,
 * and every pause it gets.
 * - `capture()` runs a function containing `debugger;`: the pause is delivered synchronously to our handler, which
 *   reads the local/block scopes of the agent's own frames and resumes before `capture()` returns (~0.5-1 ms).
 * - `setBreakpoint()` lets state/error capture stop briefly at chosen code (an LLM client's `create`, own `throw`
 *   statements) with a handler that reads the frames and resumes.
 * - `onScript()` reports every script V8 compiles (url + id), with replay of the ones seen before.
 *
 * Reading a paused frame's scopes is ScopeReader's job (scopeReader.ts); sorting and mapping code locations is in
 * stackFrames.ts, which needs no session.
 *
 * Never used when an external debugger is attached (`inspector.url()`), or with AGENTTRACE_LOCALS=off. Any failure
 * degrades to "no locals" through `rec.fault`; nothing here throws into the agent.
 */
import inspector from 'node:inspector';
import { sdkEnv } from './sdkEnv.js';
import { ScopeReader, type CaptureResult, type CdpCallFrame } from './scopeReader.js';
import { SiteCaptures } from './siteCaptures.js';
import { SDK_PREFIX, codeKind, type CodeKind } from './stackFrames.js';
import { orig } from './originals.js';

export interface ScriptInfo {
  scriptId: string;
  url: string;
}

const perfNow = orig.perfNow;

export class LocalsInspector {
  private readonly session: inspector.Session;
  private readonly urls = new Map<string, string>();
  private readonly scripts: ScriptInfo[] = [];
  private readonly scriptListeners: ((s: ScriptInfo) => void)[] = [];
  private readonly bpHandlers = new Map<string, (frames: CdpCallFrame[]) => void>();
  private exceptionHandler: ((frames: CdpCallFrame[], exception: { objectId?: string }) => void) | undefined;
  private pending: { result?: CaptureResult } | null = null;
  private paused = false;
  /** The debugger was turned off for the rest of the run (detach()). */
  private detached = false;
  private readonly scopes: ScopeReader;
  /** Milliseconds spent paused in captures so far (for budgets and the report). */
  spentMs = 0;
  /**
   * What a pause costs the agent before our handler runs (V8 describing every frame and scope for the protocol):
   * learnt from capture(), which times its whole pause, and charged to every breakpoint pause, whose start we
   * cannot see. Starts at the cost measured on a small machine.
   */
  private pauseOverheadMs = 1;
  private handlerMs = 0;
  /** Captures at call sites (throw statements, LLM calls), with the pass they belong to: error capture uses them. */
  readonly sites = new SiteCaptures();

  private constructor(private readonly fault: (where: string, e: unknown) => void) {
    this.session = new inspector.Session();
    this.session.connect();
    this.scopes = new ScopeReader(
      (method, params) => this.post(method, params),
      (scriptId) => this.urlOf(scriptId),
    );
    this.session.on('Debugger.scriptParsed', (m: { params: { scriptId: string; url: string } }) => this.onScriptParsed(m.params));
    this.session.on('Debugger.paused', (m: { params: { callFrames: CdpCallFrame[]; hitBreakpoints?: string[]; reason?: string; data?: { objectId?: string } } }) => this.onPaused(m.params));
    this.post('Debugger.enable');
  }

  /** The inspector, or undefined when locals capture is off or unavailable (external debugger, no inspector). */
  static create(fault: (where: string, e: unknown) => void): LocalsInspector | undefined {
    if (!sdkEnv().locals) return undefined;
    try {
      // An attached debugger (or --inspect) owns pauses; ours would interfere with the user's session.
      if (inspector.url()) return undefined;
      return new LocalsInspector(fault);
    } catch (e) {
      fault('locals capture (inspector)', e);
      return undefined;
    }
  }

  kind(url: string): CodeKind {
    return codeKind(url);
  }

  urlOf(scriptId: string): string {
    return this.urls.get(scriptId) ?? '';
  }

  /** The debugger is off for the rest of the run (see detach()): no pause, no breakpoint. */
  get isDetached(): boolean {
    return this.detached;
  }

  /** Adds time the locals feature cost outside pauses (arming breakpoints) to what budgets see. */
  charge(ms: number): void {
    this.spentMs += ms;
  }

  /**
   * Turns the debugger off for the rest of the run (CaptureBudget decides when). While V8's debugger is on, every
   * promise takes its slow path: measured, the openai client's calls cost ~20% more CPU, the whole of "locals on"'s
   * per-call cost in a tight loop. Every breakpoint goes with it, so the captures taken so far can no longer be told
   * to be of a failure's own pass: none matches one any more (a failed run's locals then come from the replay the
   * host runs for it). An explicit snapshot still gets its locals (capture() turns the debugger on for it). Never
   * done with exception pauses on (an explicit request for them).
   */
  detach(): void {
    if (this.detached || this.paused || this.exceptionHandler) return;
    this.detached = true;
    this.bpHandlers.clear();
    this.sites.forgetAll();
    this.post('Debugger.disable');
  }

  /** Calls fn for every script compiled so far and from now on. */
  onScript(fn: (s: ScriptInfo) => void): void {
    this.scriptListeners.push(fn);
    for (const s of this.scripts) this.safe('script listener', () => fn(s));
  }

  /** The source text of a script (synchronous on a same-thread session). */
  scriptSource(scriptId: string): string | undefined {
    const r = this.post('Debugger.getScriptSource', { scriptId }) as { scriptSource?: string } | undefined;
    return r?.scriptSource;
  }

  /**
   * Sets a breakpoint whose pauses call handler (then resume); returns its id. Positions are 0-based. With a
   * condition (a JS expression evaluated at each hit), V8 pauses only when it is true: a hit that does not pause
   * costs microseconds, a pause about a millisecond.
   */
  setBreakpoint(scriptId: string, lineNumber: number, columnNumber: number, handler: (frames: CdpCallFrame[]) => void, condition?: string): string | undefined {
    if (this.detached) return undefined;
    const params = { location: { scriptId, lineNumber, columnNumber }, ...(condition ? { condition } : {}) };
    const r = this.post('Debugger.setBreakpoint', params) as { breakpointId?: string } | undefined;
    if (r?.breakpointId) this.bpHandlers.set(r.breakpointId, handler);
    return r?.breakpointId;
  }

  /**
   * Pauses on every exception thrown with the agent's own code on top (library and Node code blackboxed) and calls
   * handler with the frames and the exception. Opt-in (see AGENTTRACE_LOCALS=exceptions): V8 formats the error's
   * stack for the pause, which changes the source line Node prints for an unhandled rejection.
   */
  pauseOnExceptions(handler: (frames: CdpCallFrame[], exception: { objectId?: string }) => void): void {
    this.exceptionHandler = handler;
    this.post('Debugger.setBlackboxPatterns', { patterns: ['/node_modules/', '^node:', '^' + SDK_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')] });
    this.post('Debugger.setPauseOnExceptions', { state: 'all' });
  }

  /** The object behind a remote object id of the current pause (read only). */
  objectOf(objectId: string): object | undefined {
    return this.scopes.stash(objectId);
  }

  removeBreakpoint(id: string): void {
    this.bpHandlers.delete(id);
    if (!this.detached) this.post('Debugger.removeBreakpoint', { breakpointId: id });
  }

  /**
   * Locals and stack of the caller's frames, right now. Returns undefined when no pause happened (already paused,
   * debugger off).
   */
  capture(): CaptureResult | undefined {
    // A debugger attached since startup (inspector.open, SIGUSR1) would stop on our `debugger;` statement.
    if (this.paused || inspector.url()) return undefined;
    const req: { result?: CaptureResult } = {};
    const t0 = perfNow();
    this.pending = req;
    this.handlerMs = 0;
    // Detached: only an explicit snapshot gets here (budgets say no); the debugger is on for its pause only.
    const reattach = this.detached;
    try {
      if (reattach) this.post('Debugger.enable');
      pauseHere();
    } finally {
      if (reattach) this.post('Debugger.disable');
      this.pending = null;
      const total = perfNow() - t0;
      this.spentMs += total;
      if (this.handlerMs > 0) this.pauseOverheadMs = 0.8 * this.pauseOverheadMs + 0.2 * Math.max(0, total - this.handlerMs);
    }
    return req.result;
  }

  /** The frames of a pause, read (see ScopeReader.collect). Only valid while paused. */
  collect(callFrames: CdpCallFrame[], maxMs = Infinity): CaptureResult {
    return this.scopes.collect(callFrames, maxMs);
  }

  /** The agent's innermost own frame of a pause as `url:line`, without reading any scope (see ScopeReader.ownSite). */
  ownSite(callFrames: CdpCallFrame[]): string | undefined {
    return this.scopes.ownSite(callFrames);
  }

  private onScriptParsed(p: { scriptId: string; url: string }): void {
    if (!p.url) return;
    // A snapshot's re-enable reports every script again: keep the urls (frames name them), tell no listener.
    if (this.detached) {
      this.urls.set(p.scriptId, p.url);
      return;
    }
    const s = { scriptId: p.scriptId, url: p.url };
    this.urls.set(s.scriptId, s.url);
    this.scripts.push(s);
    for (const fn of this.scriptListeners) this.safe('script listener', () => fn(s));
  }

  private onPaused(p: { callFrames: CdpCallFrame[]; hitBreakpoints?: string[]; reason?: string; data?: { objectId?: string } }): void {
    const t0 = perfNow();
    // capture() times its own pause as a whole; breakpoint pauses are timed here, plus the overhead before us.
    const timed = !this.pending;
    this.paused = true;
    try {
      if (this.pending) {
        // Frame 0 is pauseHere itself (SDK code): collect() skips it by url.
        this.pending.result = this.collect(p.callFrames);
      } else if ((p.reason === 'exception' || p.reason === 'promiseRejection') && this.exceptionHandler) {
        const h = this.exceptionHandler;
        this.safe('exception handler', () => h(p.callFrames, p.data ?? {}));
      } else {
        for (const id of p.hitBreakpoints ?? []) {
          const h = this.bpHandlers.get(id);
          if (h) this.safe('breakpoint handler', () => h(p.callFrames));
        }
      }
    } catch (e) {
      this.fault('locals capture', e);
    } finally {
      this.paused = false;
      this.post('Debugger.resume');
      this.handlerMs = perfNow() - t0;
      if (timed) this.spentMs += this.handlerMs + this.pauseOverheadMs;
    }
  }

  /** A synchronous protocol call; returns the result or undefined (fault reported once). */
  private post(method: string, params?: object): unknown {
    let out: unknown;
    try {
      this.session.post(method, params ?? {}, (err: Error | null, res?: unknown) => {
        if (err) this.fault(`inspector ${method}`, err);
        else out = res;
      });
    } catch (e) {
      this.fault(`inspector ${method}`, e);
    }
    return out;
  }

  private safe(where: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fault(where, e);
    }
  }
}

/** The pause point of capture(). Kept tiny and separate so the paused frame 0 is always this SDK function. */
function pauseHere(): void {
  // eslint-disable-next-line no-debugger -- the synchronous pause is how the same-thread inspector reads locals
  debugger;
}

const GLOBAL_KEY = Symbol.for('agenttrace.inspector');

/** The process-wide inspector shared by state and error capture (created on first use; undefined when off). */
export function sharedInspector(fault: (where: string, e: unknown) => void): LocalsInspector | undefined {
  const g = globalThis as Record<symbol, unknown>;
  if (!(GLOBAL_KEY in g)) {
    Object.defineProperty(g, GLOBAL_KEY, { value: LocalsInspector.create(fault) ?? null, enumerable: false, configurable: true });
  }
  return (g[GLOBAL_KEY] as LocalsInspector | null) ?? undefined;
}

/**
 * Turns locals capture off for this process before any installer asks for it. A pure replay stores nothing of its
 * own (only its verdict), and the inspector costs ~0.5 ms per LLM call and slows every await.
 */
export function disableSharedInspector(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (!(GLOBAL_KEY in g)) Object.defineProperty(g, GLOBAL_KEY, { value: null, enumerable: false, configurable: true });
}
