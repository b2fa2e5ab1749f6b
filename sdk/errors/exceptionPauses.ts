/**
 * Opt-in (AGENTTRACE_LOCALS=exceptions): locals at every exception the agent's own code raises, including those no
 * `throw` statement of its own raised (reading a property of undefined, calling a non-function, JSON.parse). V8
 * pauses on the exception with the failing frame still on the stack; the locals are kept by the thrown object, so the
 * error event finds them by identity. Not the default: V8 formats the error's stack to describe it for the pause,
 * and Node then prints its own internals instead of the agent's line as the source of an unhandled rejection.
 * Library and Node code is blackboxed (their caught exceptions do not pause); a hot site (caught in a loop) stops
 * being read after a few passes.
 */
import type { LocalsInspector } from '../core/inspector.js';

const MAX_PER_SITE = 25;
const MAX_SITES = 2000;

export function installExceptionPauses(insp: LocalsInspector): void {
  const perSite = new Map<string, number>();
  insp.pauseOnExceptions((frames, exception) => {
    const top = frames[0];
    if (!top || insp.kind(insp.urlOf(top.location.scriptId) || top.url || '') !== 'own' || !exception.objectId) return;
    const site = insp.ownSite(frames);
    if (!site) return;
    const n = (perSite.get(site) ?? 0) + 1;
    if (perSite.size < MAX_SITES || perSite.has(site)) perSite.set(site, n);
    if (n > MAX_PER_SITE) return;
    const thrown = insp.objectOf(exception.objectId);
    if (thrown) insp.sites.storeThrown(thrown, insp.collect(frames));
  });
}
