/**
 * Marks the clock reads and random draws of client libraries (see core/libraryMark.ts). When V8 compiles a script of
 * a known LLM/HTTP client package, every call site of a value source in it (`Math.random()`, `Date.now()`,
 * `performance.now()`, `new Date()`, `crypto.randomUUID()`...) gets a breakpoint whose condition marks the value
 * about to be consumed and never pauses. Only those call sites pay anything (a condition evaluation); the agent's
 * own values pay one property read. A site V8 cannot place exactly on the call (it would move the breakpoint past
 * it, onto unrelated code) is left unmarked: an unmarked library value is shown, a marked agent value would hide
 * what the agent did.
 */
import type { LocalsInspector } from '../core/inspector.js';
import { LIBRARY_MARK_CONDITION } from '../core/libraryMark.js';

/**
 * Client packages whose own values are library internals (npm aliases such as `openai-v4` included). undici is not
 * listed: the recorder's dispatcher already runs it in the internal context, where values are not recorded at all
 * (and a mark set there would never be taken by its value).
 */
export const LIBRARY_SCRIPT =
  /\/node_modules\/(?:openai|groq-sdk|@anthropic-ai\/sdk|node-fetch|axios|@google\/genai|@google\/generative-ai|@mistralai\/mistralai|cohere-ai|ollama|formdata-node|agentkeepalive)(?:-v\d+)?\//;
/** Call sites of value sources (the call's opening parenthesis ends the match). */
const VALUE_CALL = /\b(?:Math\.random|Date\.now|performance\.now|new Date|crypto\.randomUUID|crypto\.getRandomValues|crypto\.randomBytes|crypto\.randomInt|process\.hrtime(?:\.bigint)?)\s*\(/g;
/** A script with more call sites than this is not a client library's request path: leave it alone. */
const MAX_SITES_PER_SCRIPT = 200;

export interface LibrarySites {
  /** Breakpoints set exactly on a call site. */
  placed: number;
  /** Sites skipped (V8 placed the breakpoint elsewhere). */
  skipped: number;
}

export function installLibraryBreakpoints(insp: LocalsInspector): LibrarySites {
  const stats: LibrarySites = { placed: 0, skipped: 0 };
  insp.onScript(({ scriptId, url }) => {
    if (!LIBRARY_SCRIPT.test(url)) return;
    const src = insp.scriptSource(scriptId);
    if (!src) return;
    const sites = callSites(src);
    if (sites.length > MAX_SITES_PER_SCRIPT) return;
    for (const s of sites) {
      const at = insp.setConditionalBreakpoint(scriptId, s.line, s.column, LIBRARY_MARK_CONDITION);
      // V8 moves a breakpoint to the next breakable position: accept it only on the call itself.
      if (!at) stats.skipped++;
      else if (at.lineNumber === s.line && at.columnNumber >= s.column && at.columnNumber <= s.endColumn) stats.placed++;
      else {
        insp.removeBreakpoint(at.id);
        stats.skipped++;
      }
    }
  });
  return stats;
}

/** 0-based line/column of each value call site in `src` (column range: the callee's first character to its `(`). */
export function callSites(src: string): { line: number; column: number; endColumn: number }[] {
  const out: { line: number; column: number; endColumn: number }[] = [];
  let line = 0;
  let lineStart = 0;
  let scanned = 0;
  for (const m of src.matchAll(VALUE_CALL)) {
    for (let i = src.indexOf('\n', scanned); i !== -1 && i < m.index; i = src.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    scanned = m.index;
    const column = m.index - lineStart;
    out.push({ line, column, endColumn: column + m[0].length });
  }
  return out;
}
