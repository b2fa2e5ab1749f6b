/**
 * Locals at LLM client calls. Inside fetch the agent's frames are already gone, so the capture happens at the
 * client method the agent calls: a breakpoint on `create(` of the chat-completions / messages / responses resources
 * of openai, groq-sdk and @anthropic-ai/sdk (CJS and ESM builds), set when V8 compiles those scripts. On a hit the
 * agent's own frames (below the client's) are read and kept for the keyframe written at that call's `llm` event.
 *
 * Cost policy: a pause costs the agent ~1-1.7 ms, so the breakpoint is conditional and pauses only when the call's
 * `llm` event will be a keyframe anyway (every-N policy) and the capture budget, which counts the whole pause,
 * allows it. Between keyframes a hit costs only the condition (microseconds).
 */
import type { LocalsInspector } from '../core/inspector.js';
import type { StateManager } from './stateManager.js';

/** Client resource scripts whose `create` starts an LLM call (npm aliases such as `openai-v4` included). */
const CLIENT_SCRIPT =
  /\/node_modules\/(?:openai|groq-sdk|@anthropic-ai\/sdk)(?:-v\d+)?\/(?:src\/)?resources\/(?:chat\/completions(?:\/completions)?|messages(?:\/messages)?|responses\/responses|completions)\.m?js$/;
/** The method definition `create(body, options) {` of the resource class. */
const CREATE_DEF = /^[ \t]*(?:async[ \t]+)?create[ \t]*\([^)]*\)[ \t]*\{/m;

/** Time cap of an LLM call's locals collection (the innermost own frame is always read in full). */
const LLM_CAPTURE_MAX_MS = 2;
/** The global the breakpoint condition calls (a condition is a JS expression evaluated in the agent's frame). */
const WANTED_KEY = Symbol.for('agenttrace.llmLocalsWanted');
const CONDITION = `globalThis[Symbol.for('agenttrace.llmLocalsWanted')]?.() === true`;

export function installLlmBreakpoints(insp: LocalsInspector, state: StateManager): void {
  let calls = 0;
  /** Captures taken here that are still in insp.recent (error capture matches a failure against those). */
  const ours = new WeakSet<object>();
  const wanted = (): boolean => {
    try {
      // The first call is always worth it (startup burst): a run that fails at its only call gets its locals.
      if ((calls++ > 0 && !state.llmKeyframeDue()) || !state.budget.allow()) {
        forgetOlderCaptures();
        return false;
      }
      insp.notePauseStart();
      return true;
    } catch {
      return false;
    }
  };
  /**
   * A call that is not captured makes earlier LLM-call captures stale: a failure of this call must not show the
   * locals an earlier call had at the same line (a debugger shows true data or none).
   */
  const forgetOlderCaptures = (): void => {
    for (let i = insp.recent.length - 1; i >= 0; i--) if (ours.has(insp.recent[i])) insp.recent.splice(i, 1);
  };
  Object.defineProperty(globalThis, WANTED_KEY, { value: wanted, enumerable: false, configurable: true });
  insp.onScript(({ scriptId, url }) => {
    if (!CLIENT_SCRIPT.test(url)) return;
    const src = insp.scriptSource(scriptId);
    const m = src ? CREATE_DEF.exec(src) : null;
    if (!src || !m) return;
    const head = src.slice(0, m.index + m[0].length);
    const line = countLines(head);
    const column = head.length - (head.lastIndexOf('\n') + 1);
    // V8 moves the location to the first breakable position inside the body.
    insp.setBreakpoint(
      scriptId,
      line,
      column,
      (frames) => {
        const cap = insp.collect(frames, LLM_CAPTURE_MAX_MS);
        const last = insp.recent[insp.recent.length - 1];
        if (last?.capture === cap) ours.add(last);
        if (cap.frames.length) state.llmCallCaptured(cap);
      },
      CONDITION,
    );
  });
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
