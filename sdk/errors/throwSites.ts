/**
 * Locals at the throw point without pause-on-exceptions.
 *
 * Why not `Debugger.setPauseOnExceptions`: an exception pause makes V8 describe the exception for the protocol,
 * which formats its `.stack`; V8 then drops the error's call sites and Node prints a different source line for an
 * uncaught *rejection* (`node:internal/process/promises:391 triggerUncaughtException(...)` instead of the agent's
 * throw site). Measured on Node 20; the SDK must not change the agent's stderr. It also misses ESM top-level throws
 * (V8 predicts them caught by the module's evaluation promise).
 *
 * Instead: a breakpoint on each `throw` statement of the agent's own scripts. A breakpoint pause carries no
 * exception, so nothing is formatted; the handler reads the frames into the inspector's site captures (with the
 * pass they belong to, see siteCaptures.ts) and resumes. The uncaught-exception monitor later looks up the capture
 * of the failing pass. Every pass of a throw site is captured: the time budget of LLM-call and keyframe captures
 * does not apply, or a run that spent its budget early would have no locals at its failure. Hot throw sites (caught
 * in a loop) lose their breakpoint after a few hits instead, and are then closed (never matched).
 */
import type { LocalsInspector } from '../core/inspector.js';

const THROW = /\bthrow\b/g;
const MAX_PER_SCRIPT = 200;
const MAX_TOTAL = 3000;
/** After this many hits a throw site is considered hot (caught in a loop) and its breakpoint is removed. */
const MAX_HITS = 25;

export function installThrowSites(insp: LocalsInspector): void {
  let total = 0;
  insp.onScript(({ scriptId, url }) => {
    if (insp.kind(url) !== 'own' || total >= MAX_TOTAL) return;
    const src = insp.scriptSource(scriptId);
    if (!src || !src.includes('throw')) return;
    let perScript = 0;
    const lines = src.split('\n');
    for (let line = 0; line < lines.length && perScript < MAX_PER_SCRIPT && total < MAX_TOTAL; line++) {
      const text = lines[line];
      THROW.lastIndex = 0;
      for (let m = THROW.exec(text); m; m = THROW.exec(text)) {
        // Cheap filter for comments; a false hit in a string only costs a pause at the next statement.
        const before = text.slice(0, m.index);
        if (before.includes('//') || /^\s*\*/.test(before)) break;
        let hits = 0;
        let site: string | undefined;
        const id: string | undefined = insp.setBreakpoint(scriptId, line, m.index, (frames) => {
          site ??= insp.ownSite(frames);
          if (!site) return;
          const hit = insp.sites.hit('throw', site);
          if (++hits > MAX_HITS) {
            if (id) insp.removeBreakpoint(id);
            insp.sites.close(site);
            return;
          }
          insp.sites.store('throw', site, hit, insp.collect(frames));
        });
        if (id) {
          perScript++;
          total++;
        }
      }
    }
  });
}
