/**
 * Same-thread V8 inspector access for locals capture (DESIGN §3): one `inspector.Session` with `Debugger.enable`.
 * - `capture()` runs a function containing `debugger;`: the pause is delivered synchronously to our handler, which
 *   reads the local/block scopes of the agent's own frames and resumes before `capture()` returns (~0.5-1 ms).
 * - `setBreakpoint()` lets state/error capture stop briefly at chosen code (an LLM client's `create`, own `throw`
 *   statements) with a handler that reads the frames and resumes.
 * - `onScript()` reports every script V8 compiles (url + id), with replay of the ones seen before.
 *
 * Scope values are read by stashing the scope object through `Runtime.callFunctionOn` into a sink function and
 * walking it in plain JS (boundedJson inspect mode: no getters, no proxies, no `.stack`), which is one protocol
 * round trip per scope instead of one per property.
 *
 * Never used when an external debugger is attached (`inspector.url()`), or with AGENTTRACE_LOCALS=off. Any failure
 * degrades to "no locals" through `rec.fault`; nothing here throws into the agent.
 */
import inspector from 'node:inspector';
import { findSourceMap, type SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FrameLocals, Json, StackFrame } from '../../src/shared/trace/types.js';
import { sdkEnv } from './sdkEnv.js';
import { SiteCaptures } from './siteCaptures.js';
import { Budget, LOCALS_BOUNDS, MODULE_LOCALS_BOUNDS, boundedJson } from '../state/boundedJson.js';

/** The parts of a CDP Debugger.CallFrame we use. */
export interface CdpCallFrame {
  callFrameId: string;
  functionName: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
  url?: string;
  scopeChain: { type: string; object: { objectId?: string } }[];
}

export interface CaptureResult {
  /** Own-code frames with locals, innermost first. */
  frames: FrameLocals[];
  /** Non-internal, non-SDK frames (own code and libraries), innermost first. */
  stack: StackFrame[];
  /**
   * Objects held by the innermost own frame's variables (not serialized): at a `throw e` pause, the value about to
   * be thrown is among them, which ties a rethrow to its error by identity.
   */
  held?: WeakSet<object>;
}

export interface ScriptInfo {
  scriptId: string;
  url: string;
}

export type CodeKind = 'own' | 'library' | 'internal' | 'sdk';

const MAX_FRAMES = 10;
const MAX_VARS = 60;
const CAPTURE_CHARS = 160 * 1024;
/** Top-level CommonJS wrapper parameters: present in every CJS module, never interesting. */
const CJS_WRAPPER = new Set(['exports', 'require', 'module', '__filename', '__dirname']);
const SINK_KEY = Symbol.for('agenttrace.scopeSink');
const STASH_FN = `function () { globalThis[Symbol.for('agenttrace.scopeSink')](this); }`;
const perfNow = performance.now.bind(performance);

/** The folder our own code runs from (dist/sdk when bundled, sdk/ from sources), as a file URL prefix. */
function sdkUrlPrefix(): string {
  const here = new URL('.', import.meta.url).href;
  return here.endsWith('/sdk/core/') ? new URL('..', here).href : here;
}

const SDK_PREFIX = sdkUrlPrefix();

/** Classifies a script url (file URL form): the agent's own code, a library, Node internals, or this SDK. */
export function codeKind(url: string): CodeKind {
  if (!url || url.startsWith('node:') || url.startsWith('evalmachine') || !url.includes('/')) return 'internal';
  if (url.startsWith(SDK_PREFIX)) return 'sdk';
  if (url.includes('/node_modules/')) return 'library';
  return 'own';
}

const STACK_LINE = /^\s*at (?:async )?(?:(.*?) \()?((?:file:|node:|\/|[A-Za-z]:\\).*?):(\d+):(\d+)\)?$/;

/**
 * Frames of a formatted stack string (an Error's `.stack`), innermost first, without Node internals and this SDK.
 * Locations become file URLs, lines and columns stay 1-based as printed.
 */
export function parseStack(stack: string): StackFrame[] {
  const out: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const m = STACK_LINE.exec(line);
    if (!m) continue;
    const url = toFileUrl(m[2]);
    const kind = codeKind(url);
    if (kind === 'internal' || kind === 'sdk') continue;
    out.push({ functionName: m[1] ?? '', url, line: Number(m[3]), column: Number(m[4]) });
  }
  return out;
}

/** The current JS stack (cheap, no pause): for keyframes taken where no locals are captured. */
export function currentStack(): StackFrame[] {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 40;
    Error.captureStackTrace(holder, currentStack);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return parseStack(holder.stack ?? '');
}

export class LocalsInspector {
  private readonly session: inspector.Session;
  private readonly urls = new Map<string, string>();
  private readonly scripts: ScriptInfo[] = [];
  private readonly scriptListeners: ((s: ScriptInfo) => void)[] = [];
  private readonly bpHandlers = new Map<string, (frames: CdpCallFrame[]) => void>();
  private exceptionHandler: ((frames: CdpCallFrame[], exception: { objectId?: string }) => void) | undefined;
  private pending: { result?: CaptureResult } | null = null;
  private paused = false;
  private stashed: object | undefined;
  /** Milliseconds spent paused in captures so far (for budgets and the report). */
  spentMs = 0;
  /** Captures at call sites (throw statements, LLM calls), with the pass they belong to: error capture uses them. */
  readonly sites = new SiteCaptures();

  private constructor(private readonly fault: (where: string, e: unknown) => void) {
    this.session = new inspector.Session();
    this.session.connect();
    Object.defineProperty(globalThis, SINK_KEY, {
      value: (scope: object) => {
        this.stashed = scope;
      },
      enumerable: false,
      configurable: true,
    });
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
    return this.stash(objectId);
  }

  /**
   * Sets a breakpoint with a condition (an expression evaluated in the paused frame before the code there runs; a
   * falsy result does not pause). Returns its id and where V8 placed it, or undefined when it could not be set.
   */
  setConditionalBreakpoint(scriptId: string, lineNumber: number, columnNumber: number, condition: string): { id: string; lineNumber: number; columnNumber: number } | undefined {
    const r = this.post('Debugger.setBreakpoint', { location: { scriptId, lineNumber, columnNumber }, condition }) as
      | { breakpointId?: string; actualLocation?: { lineNumber: number; columnNumber: number } }
      | undefined;
    return r?.breakpointId && r.actualLocation ? { id: r.breakpointId, ...r.actualLocation } : undefined;
  }

  removeBreakpoint(id: string): void {
    this.bpHandlers.delete(id);
    this.post('Debugger.removeBreakpoint', { breakpointId: id });
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
    try {
      pauseHere();
    } finally {
      this.pending = null;
      this.spentMs += perfNow() - t0;
    }
    return req.result;
  }

  /**
   * Reads frames of a pause: locals of up to MAX_FRAMES own frames, and the stack. Only valid while paused. With
   * maxMs, frames reached after that much time (never the innermost own frame) keep their location only, which
   * bounds the pause of an optional capture (LLM calls); a failure's capture is always complete.
   */
  collect(callFrames: CdpCallFrame[], maxMs = Infinity): CaptureResult {
    const frames: FrameLocals[] = [];
    const stack: StackFrame[] = [];
    const budget = new Budget(CAPTURE_CHARS);
    let held: WeakSet<object> | undefined;
    const deadline = perfNow() + maxMs;
    for (const cf of callFrames) {
      const url = this.urlOf(cf.location.scriptId) || cf.url || '';
      const kind = this.kind(url);
      if (kind === 'internal' || kind === 'sdk') continue;
      const pos = kind === 'own' ? originalPosition(url, cf.location.lineNumber, cf.location.columnNumber) : undefined;
      const frame: StackFrame = {
        functionName: cf.functionName,
        url,
        line: (pos?.line ?? cf.location.lineNumber) + 1,
        column: (pos?.column ?? cf.location.columnNumber) + 1,
      };
      stack.push(frame);
      if (kind === 'own' && frames.length < MAX_FRAMES) {
        const innermost = frames.length === 0;
        if (innermost) held = new WeakSet();
        frames.push({ ...frame, locals: innermost || perfNow() < deadline ? this.frameLocals(cf, budget, innermost ? held : undefined) : { '…': '[locals left out: capture time cap]' } });
      }
    }
    return held ? { frames, stack, held } : { frames, stack };
  }

  /**
   * The agent's innermost own frame of a pause, as `url:line` (1-based, source-mapped like collect()), without
   * reading any scope: cheap enough for every pause, captured or not.
   */
  ownSite(callFrames: CdpCallFrame[]): string | undefined {
    for (const cf of callFrames) {
      const url = this.urlOf(cf.location.scriptId) || cf.url || '';
      if (this.kind(url) !== 'own') continue;
      const pos = originalPosition(url, cf.location.lineNumber, cf.location.columnNumber);
      return SiteCaptures.key(url, (pos?.line ?? cf.location.lineNumber) + 1);
    }
    return undefined;
  }

  private frameLocals(cf: CdpCallFrame, budget: Budget, held?: WeakSet<object>): Record<string, Json> {
    const locals: Record<string, Json> = {};
    // Module top-level code has no function scope (an anonymous arrow has one): only then are module variables its
    // locals. A CommonJS top level is the wrapper function, whose parameters are dropped.
    const topLevel = !cf.scopeChain.some((s) => s.type === 'local');
    const cjsTop = cf.functionName === '';
    let count = 0;
    // Innermost scope first: a block variable shadows an outer one of the same name.
    for (const scope of cf.scopeChain) {
      const wanted = scope.type === 'local' || scope.type === 'block' || scope.type === 'catch' || (topLevel && (scope.type === 'module' || scope.type === 'script'));
      if (!wanted || !scope.object.objectId) continue;
      const obj = this.stash(scope.object.objectId);
      if (!obj) continue;
      for (const name of Object.keys(obj)) {
        if (name in locals || (cjsTop && CJS_WRAPPER.has(name))) continue;
        if (count++ >= MAX_VARS || budget.chars > budget.max) {
          locals['…'] = '[more locals left out]';
          return locals;
        }
        const d = Object.getOwnPropertyDescriptor(obj, name);
        if (held && d && 'value' in d && typeof d.value === 'object' && d.value !== null) held.add(d.value as object);
        const bounds = scope.type === 'module' || scope.type === 'script' ? MODULE_LOCALS_BOUNDS : LOCALS_BOUNDS;
        locals[name] = d && 'value' in d ? boundedJson(d.value, bounds, budget) : '[unavailable]';
      }
    }
    return locals;
  }

  /** The real scope object behind a remote object id (values are live references; read, never written). */
  private stash(objectId: string): object | undefined {
    this.stashed = undefined;
    this.post('Runtime.callFunctionOn', { objectId, functionDeclaration: STASH_FN, silent: true });
    const s = this.stashed;
    this.stashed = undefined;
    return s;
  }

  private onScriptParsed(p: { scriptId: string; url: string }): void {
    if (!p.url) return;
    const s = { scriptId: p.scriptId, url: p.url };
    this.urls.set(s.scriptId, s.url);
    this.scripts.push(s);
    for (const fn of this.scriptListeners) this.safe('script listener', () => fn(s));
  }

  private onPaused(p: { callFrames: CdpCallFrame[]; hitBreakpoints?: string[]; reason?: string; data?: { objectId?: string } }): void {
    const t0 = perfNow();
    // capture() times its own pause as a whole; breakpoint pauses are timed here.
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
      if (timed) this.spentMs += perfNow() - t0;
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

const sourceMaps = new Map<string, SourceMap | null>();

/**
 * The original 0-based position of generated code (TypeScript run through tsx, or any script with a source map
 * Node knows), so captured frames show the lines the agent's stack traces show. undefined when there is no map.
 */
function originalPosition(url: string, line: number, column: number): { line: number; column: number } | undefined {
  let map = sourceMaps.get(url);
  if (map === undefined) {
    try {
      map = findSourceMap(url.startsWith('file:') ? fileURLToPath(url) : url) ?? findSourceMap(url) ?? null;
    } catch {
      map = null;
    }
    sourceMaps.set(url, map);
  }
  if (!map) return undefined;
  const e = map.findEntry(line, column) as { originalLine?: number; originalColumn?: number };
  return typeof e.originalLine === 'number' && typeof e.originalColumn === 'number' ? { line: e.originalLine, column: e.originalColumn } : undefined;
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

/** Converts a stack-trace location (path or URL) to the file URL form V8 reports for scripts. */
export function toFileUrl(loc: string): string {
  if (loc.startsWith('/') || /^[A-Za-z]:\\/.test(loc)) return pathToFileURL(loc).href;
  return loc;
}
