/**
 * The `error` event of an uncaught exception or unhandled rejection: name, message, masked stack, and the locals of
 * the throwing frame and its callers (own code), taken from the most recent capture that matches the error's stack.
 */
import type { ErrorPayload, FrameLocals, StackFrame } from '../../src/shared/trace/types.js';
import type { SecretSet } from '../../src/shared/trace/redact.js';
import { maskJson } from '../../src/shared/trace/redact.js';
import { codeKind, parseStack, type CaptureResult, type LocalsInspector } from '../core/inspector.js';

/** A capture this old cannot belong to the error unless its location matches exactly. */
const LOOSE_MATCH_MS = 100;
const MAX_MESSAGE = 8 * 1024;
const perfNow = performance.now.bind(performance);

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
  const locals = matchLocals(frames, insp);
  if (locals) payload.frames = maskJson(locals, secrets);
  else {
    const own = frames.filter((f) => codeKind(f.url) === 'own');
    if (own.length) payload.frames = own.map((f) => ({ ...f, locals: {} }));
  }
  return { payload, capture: { frames: payload.frames ?? [], stack: frames } };
}

/** Frames with locals of the newest capture whose innermost own frame is on the error's stack. */
function matchLocals(frames: StackFrame[], insp: LocalsInspector | undefined): FrameLocals[] | undefined {
  if (!insp || insp.recent.length === 0) return undefined;
  const own = frames.filter((f) => codeKind(f.url) === 'own');
  const recent = insp.recent;
  const now = perfNow();
  // 0. A thrown non-Error has no stack: the capture of a throw site just before is the best evidence.
  if (frames.length === 0) {
    const last = recent[recent.length - 1];
    return now - last.at <= LOOSE_MATCH_MS ? last.capture.frames : undefined;
  }
  // 1. Same file and line (the throw statement, or the awaited call an async frame points at).
  for (let i = recent.length - 1; i >= 0; i--) {
    const top = recent[i].capture.frames[0];
    if (own.some((f) => f.url === top.url && f.line === top.line)) return recent[i].capture.frames;
  }
  // 2. Transformed sources (TypeScript through tsx) report other line numbers: same file and function, if recent.
  for (let i = recent.length - 1; i >= 0 && now - recent[i].at <= LOOSE_MATCH_MS; i--) {
    const top = recent[i].capture.frames[0];
    if (own.some((f) => f.url === top.url && f.functionName === top.functionName)) return recent[i].capture.frames;
  }
  return undefined;
}

function describe(v: unknown): string {
  try {
    return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}
