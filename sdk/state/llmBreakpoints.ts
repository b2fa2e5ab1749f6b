/**
 * Locals at LLM client calls. Inside fetch the agent's frames are already gone, so the capture happens at the
 * client method the agent calls: a breakpoint on `create(` of the chat-completions / messages / responses resources
 * of openai, groq-sdk and @anthropic-ai/sdk (CJS and ESM builds), set when V8 compiles those scripts. On a hit the
 * agent's own frames (below the client's) are read and kept for the keyframe written at that call's `llm` event.
 */
import type { LocalsInspector } from '../core/inspector.js';
import type { StateManager } from './stateManager.js';

/** Client resource scripts whose `create` starts an LLM call (npm aliases such as `openai-v4` included). */
const CLIENT_SCRIPT =
  /\/node_modules\/(?:openai|groq-sdk|@anthropic-ai\/sdk)(?:-v\d+)?\/(?:src\/)?resources\/(?:chat\/completions(?:\/completions)?|messages(?:\/messages)?|responses\/responses|completions)\.m?js$/;
/** The method definition `create(body, options) {` of the resource class. */
const CREATE_DEF = /^[ \t]*(?:async[ \t]+)?create[ \t]*\([^)]*\)[ \t]*\{/m;

export function installLlmBreakpoints(insp: LocalsInspector, state: StateManager): void {
  insp.onScript(({ scriptId, url }) => {
    if (!CLIENT_SCRIPT.test(url)) return;
    const src = insp.scriptSource(scriptId);
    const m = src ? CREATE_DEF.exec(src) : null;
    if (!src || !m) return;
    const head = src.slice(0, m.index + m[0].length);
    const line = countLines(head);
    const column = head.length - (head.lastIndexOf('\n') + 1);
    // V8 moves the location to the first breakable position inside the body.
    insp.setBreakpoint(scriptId, line, column, (frames) => {
      // Every call counts, captured or not: a failure of this call may only show locals read at this call.
      const site = insp.ownSite(frames);
      const hit = site ? insp.sites.hit('llm', site) : 0;
      if (!state.budget.allow()) return;
      const cap = insp.collect(frames);
      if (site) insp.sites.store('llm', site, hit, cap);
      if (cap.frames.length) state.llmCallCaptured(cap);
    });
  });
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
