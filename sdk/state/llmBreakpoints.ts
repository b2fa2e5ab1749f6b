/**
 * Locals at LLM client calls. Inside fetch the agent's frames are already gone, so the capture happens at the
 * client method the agent calls: a breakpoint on `create(` of the chat-completions / messages / responses resources
 * of openai, groq-sdk and @anthropic-ai/sdk (CJS and ESM builds), set when V8 compiles those scripts. On a hit the
 * agent's own frames (below the client's) are read and kept for the keyframe written at that call's `llm` event.
 *
 * Cost policy: a pause costs the agent ~1-1.7 ms, so the breakpoints are set only while the next call's `llm` event
 * will be a keyframe anyway (every-N policy) and the capture budget allows a pause, and removed once that keyframe is
 * written. Calls in between run with no breakpoint at all (a conditional breakpoint would evaluate its condition,
 * compiled anew, at every call).
 */
import type { LocalsInspector } from '../core/inspector.js';
import type { CdpCallFrame } from '../core/scopeReader.js';
import type { Recorder } from '../core/recorder.js';
import type { StateManager } from './stateManager.js';
import { orig } from '../core/originals.js';

/** Client resource scripts whose `create` starts an LLM call (npm aliases such as `openai-v4` included). */
const CLIENT_SCRIPT =
  /\/node_modules\/(?:openai|groq-sdk|@anthropic-ai\/sdk)(?:-v\d+)?\/(?:src\/)?resources\/(?:chat\/completions(?:\/completions)?|messages(?:\/messages)?|responses\/responses|completions)\.m?js$/;
/** The method definition `create(body, options) {` of the resource class. */
const CREATE_DEF = /^[ \t]*(?:async[ \t]+)?create[ \t]*\([^)]*\)[ \t]*\{/m;

const perfNow = orig.perfNow;

/** Time cap of an LLM call's locals collection (the innermost own frame is always read in full). */
const LLM_CAPTURE_MAX_MS = 2;

interface Site {
  scriptId: string;
  line: number;
  column: number;
}

export function installLlmBreakpoints(insp: LocalsInspector, state: StateManager, rec: Recorder): void {
  const sites: Site[] = [];
  /** Breakpoint ids while armed; empty while disarmed. */
  let armed: string[] = [];
  /** Paused calls (captured or not) whose `llm` event has not come yet. */
  let pausedPending = 0;

  const onHit = (frames: CdpCallFrame[]): void => {
    // Every paused call counts for its site, captured or not: a failure of this call may only show locals read at
    // this very call (siteCaptures.ts).
    const site = insp.ownSite(frames);
    const hit = site ? insp.sites.hit('llm', site) : 0;
    pausedPending++;
    // Also notes where this call started, for the keyframe look-ahead; the first call is always worth it.
    const due = state.llmKeyframeDue();
    if ((!due && state.llmCalls > 0) || !state.budget.allow()) return;
    const cap = insp.collect(frames, LLM_CAPTURE_MAX_MS);
    if (site) insp.sites.store('llm', site, hit, cap);
    if (cap.frames.length) state.llmCallCaptured(cap);
  };
  // Setting a breakpoint costs the agent ~0.5-1 ms (V8 prepares the function for it): charged to the budget.
  const arm = (): void => {
    if (armed.length > 0) return;
    const t0 = perfNow();
    for (const s of sites) {
      const id = insp.setBreakpoint(s.scriptId, s.line, s.column, onHit);
      if (id) armed.push(id);
    }
    insp.charge(perfNow() - t0);
  };
  const disarm = (): void => {
    const ids = armed;
    armed = [];
    const t0 = perfNow();
    for (const id of ids) insp.removeBreakpoint(id);
    insp.charge(perfNow() - t0);
  };
  rec.onAfterEvent((_seq, kind) => {
    try {
      if (kind === 'llm') {
        // A call that ran unpaused makes earlier LLM-call captures stale (a debugger shows true data or none).
        if (pausedPending > 0) {
          pausedPending--;
          insp.sites.llmDone();
        } else insp.sites.llmUnobserved();
      }
      // Armed only while an LLM call starting now would be due for a keyframe and the budget allows a pause. A hit
      // does not disarm: calls started concurrently before the keyframe is written are due too.
      // Until the first call is recorded, every client stays armed (see onScript).
      const wanted = (state.llmCalls === 0 || state.llmKeyframeAhead()) && state.budget.allow();
      if (wanted && armed.length === 0 && sites.length > 0) arm();
      else if (!wanted && armed.length > 0) disarm();
    } catch (e) {
      rec.fault('locals at LLM calls', e);
    }
  });

  insp.onScript(({ scriptId, url }) => {
    if (!CLIENT_SCRIPT.test(url)) return;
    const src = insp.scriptSource(scriptId);
    const m = src ? CREATE_DEF.exec(src) : null;
    if (!src || !m) return;
    const head = src.slice(0, m.index + m[0].length);
    // V8 moves the location to the first breakable position inside the body.
    const site = { scriptId, line: countLines(head), column: head.length - (head.lastIndexOf('\n') + 1) };
    sites.push(site);
    // Until the first call, every client is armed: a run that fails at its first call gets that call's locals.
    if (state.llmCalls === 0) {
      const id = insp.setBreakpoint(site.scriptId, site.line, site.column, onHit);
      if (id) armed.push(id);
    }
  });
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
