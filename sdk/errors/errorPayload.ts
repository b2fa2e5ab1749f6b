/**
 * The `error` event of an uncaught exception or unhandled rejection: name, message, masked stack, and the locals of
 * the failing frames — only as read on the failing pass (see siteCaptures.ts). A frame whose locals were not read
 * at that moment gets none (the viewer says "not captured"): values of another iteration or call are never used.
 */
import type { ErrorPayload, FrameLocals, StackFrame } from '../../src/shared/trace/types.js';
import type { SecretSet } from '../../src/shared/trace/redact.js';
import { maskJson } from '../../src/shared/trace/redact.js';
import type { LocalsInspector } from '../core/inspector.js';
import type { CaptureResult } from '../core/scopeReader.js';
import { codeKind, parseStack } from '../core/stackFrames.js';
import type { SiteCaptures } from '../core/siteCaptures.js';
import { orig } from '../core/originals.js';

/** A thrown non-Error has no stack: only a throw statement paused at this recently can be its origin. */
const NON_ERROR_MS = 100;
const MAX_MESSAGE = 8 * 1024;
const perfNow = orig.perfNow;

export function errorPayload(err: unknown, origin: string, secrets: SecretSet, insp: LocalsInspector | undefined): { payload: ErrorPayload; capture: CaptureResult } {
  const isErr = err instanceof Error;
  // Safe to read `.stack` now: Node has already computed the message it will print (see throwSites.ts).
  const stack = isErr && typeof err.stack === 'string' ? err.stack : undefined;
  const frames = stack ? parseStack(stack) : [];
  const payload: ErrorPayload = {
    origin: origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaughtException',
    name: isErr ? String(err.name) : err === null ? 'null' : typeof err,
    message: secrets.maskText(isErr ? String(err.message) : describe(err)).slice(0, MAX_MESSAGE),
  };
  if (stack) payload.stack = secrets.maskText(stack);
  const locals = insp ? failingFrames(err, frames, insp.sites) : undefined;
  if (locals?.length) payload.frames = maskJson(locals, secrets);
  return { payload, capture: { frames: payload.frames ?? [], stack: frames } };
}

/**
 * Own frames with locals read on the failing pass, innermost first, or undefined.
 * 0. With exception pauses on (opt-in), the pause of this very object's throw.
 * 1. The error's innermost own frame, if its call site was captured on its latest pass: the `throw` statement that
 *    created the error, or the LLM call an `async` frame was suspended at (calls that overlapped are refused).
 *    Only the innermost: an outer frame's line was passed on another iteration, not on the failing one.
 * 2. A rethrow (`catch (e) { throw e }`) or an error thrown away from where it was created: the newest throw
 *    statement pause, if the thrown object was held by that frame's variables (identity, not a guess).
 * 3. A thrown non-Error (no stack): the throw statement that paused just before.
 */
export function failingFrames(err: unknown, frames: StackFrame[], sites: SiteCaptures): FrameLocals[] | undefined {
  const own = sites.thrownCapture(err);
  if (own && own.capture.frames.length) return own.capture.frames;
  const newest = sites.newestThrow();
  if (frames.length === 0) {
    const recent = newest && perfNow() - newest.at <= NON_ERROR_MS;
    return recent && !(err instanceof Error) ? newest.capture.frames : undefined;
  }
  const top = frames.find((f) => codeKind(f.url) === 'own');
  const cap = top ? sites.current(top.url, top.line) : undefined;
  if (cap && cap.capture.frames.length) return cap.capture.frames;
  if (newest && typeof err === 'object' && err !== null && newest.capture.held?.has(err)) return newest.capture.frames;
  return undefined;
}

function describe(v: unknown): string {
  try {
    return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}
