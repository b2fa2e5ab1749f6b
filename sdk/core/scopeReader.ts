/**
 * Reads the frames of a debugger pause into recorded locals (DESIGN §3): which frames are the agent's, where they
 * are in its sources, and the bounded values of their local, block and catch variables.
 *
 * Scope values are read by stashing the scope object through `Runtime.callFunctionOn` into a sink function and
 * walking it in plain JS (boundedJson inspect mode: no getters, no proxies, no `.stack`), which is one protocol
 * round trip per scope instead of one per property. Only valid while the session is paused; the values are live
 * references, read and never written.
 */
import type { FrameLocals, Json, StackFrame } from '../../src/shared/trace/types.js';
import { SiteCaptures } from './siteCaptures.js';
import { codeKind, originalPosition } from './stackFrames.js';
import { Budget, LOCALS_BOUNDS, MODULE_LOCALS_BOUNDS, boundedJson } from '../state/boundedJson.js';
import { orig } from './originals.js';

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

const MAX_FRAMES = 10;
const MAX_VARS = 60;
const CAPTURE_CHARS = 160 * 1024;
/** Top-level CommonJS wrapper parameters: present in every CJS module, never interesting. */
const CJS_WRAPPER = new Set(['exports', 'require', 'module', '__filename', '__dirname']);
const SINK_KEY = Symbol.for('agenttrace.scopeSink');
const STASH_FN = `function () { globalThis[Symbol.for('agenttrace.scopeSink')](this); }`;
const perfNow = orig.perfNow;

export class ScopeReader {
  private stashed: object | undefined;

  /**
   * post: a synchronous protocol call on the paused session (undefined on failure); urlOf: the url V8 reported for
   * a script id. Installs the global sink that the stash function hands scope objects to.
   */
  constructor(
    private readonly post: (method: string, params?: object) => unknown,
    private readonly urlOf: (scriptId: string) => string,
  ) {
    Object.defineProperty(globalThis, SINK_KEY, {
      value: (scope: object) => {
        this.stashed = scope;
      },
      enumerable: false,
      configurable: true,
    });
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
      const kind = codeKind(url);
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
      if (codeKind(url) !== 'own') continue;
      const pos = originalPosition(url, cf.location.lineNumber, cf.location.columnNumber);
      return SiteCaptures.key(url, (pos?.line ?? cf.location.lineNumber) + 1);
    }
    return undefined;
  }

  /** The real object behind a remote object id of the current pause (values are live references; read, never written). */
  stash(objectId: string): object | undefined {
    this.stashed = undefined;
    this.post('Runtime.callFunctionOn', { objectId, functionDeclaration: STASH_FN, silent: true });
    const s = this.stashed;
    this.stashed = undefined;
    return s;
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
}
