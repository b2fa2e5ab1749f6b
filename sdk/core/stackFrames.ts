/**
 * Where a piece of code lives and where it came from, for the frames the SDK records (DESIGN §3):
 * - `codeKind()` sorts a script url into the agent's own code, a library, Node internals or this SDK; only own code
 *   gets locals, and Node and SDK frames never reach a recorded stack.
 * - `parseStack()` / `currentStack()` turn a formatted stack (an Error's `.stack`, or the stack right now) into
 *   frames without a debugger pause, for errors and keyframes taken where no locals are captured.
 * - `originalPosition()` maps generated positions through Node's source maps (tsx, any mapped script), so paused
 *   frames show the lines the agent's own stack traces show.
 *
 * Pure lookups with no inspector session: error capture uses them even when locals capture is off.
 */
import { findSourceMap, type SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stackLines } from '../../src/shared/trace/stackText.js';
import type { StackFrame } from '../../src/shared/trace/types.js';

export type CodeKind = 'own' | 'library' | 'internal' | 'sdk';

/** The folder our own code runs from (dist/sdk when bundled, its chunks/ included; sdk/ from sources), as a file URL prefix. */
function sdkUrlPrefix(): string {
  const here = new URL('.', import.meta.url).href;
  return here.endsWith('/sdk/core/') || here.endsWith('/sdk/chunks/') ? new URL('..', here).href : here;
}

/** File URL prefix of every SDK script: their frames are ours, never the agent's. */
export const SDK_PREFIX = sdkUrlPrefix();

/** Classifies a script url (file URL form): the agent's own code, a library, Node internals, or this SDK. */
export function codeKind(url: string): CodeKind {
  if (!url || url.startsWith('node:') || url.startsWith('evalmachine') || !url.includes('/')) return 'internal';
  if (url.startsWith(SDK_PREFIX)) return 'sdk';
  if (url.includes('/node_modules/')) return 'library';
  return 'own';
}

/**
 * Frames of a formatted stack string (an Error's `.stack`), innermost first, without Node internals and this SDK.
 * Locations become file URLs, lines and columns stay 1-based as printed.
 */
export function parseStack(stack: string): StackFrame[] {
  const out: StackFrame[] = [];
  for (const f of stackLines(stack)) {
    const url = toFileUrl(f.location);
    const kind = codeKind(url);
    if (kind !== 'internal' && kind !== 'sdk') out.push({ functionName: f.functionName, url, line: f.line, column: f.column });
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

/** Converts a stack-trace location (path or URL) to the file URL form V8 reports for scripts. */
export function toFileUrl(loc: string): string {
  if (loc.startsWith('/') || /^[A-Za-z]:\\/.test(loc)) return pathToFileURL(loc).href;
  return loc;
}

const sourceMaps = new Map<string, SourceMap | null>();

/**
 * The original 0-based position of generated code (TypeScript run through tsx, or any script with a source map
 * Node knows), so captured frames show the lines the agent's stack traces show. undefined when there is no map.
 */
export function originalPosition(url: string, line: number, column: number): { line: number; column: number } | undefined {
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

/**
 * The call sites below `above` (at most `limit`), handed to `read`; undefined when they cannot be captured. The
 * agent may have its own prepareStackTrace (source maps) and frame limit: ours are used for this one capture only.
 * Never throws.
 */
export function readCallSites<T>(read: (sites: NodeJS.CallSite[]) => T, limit: number, above: (...args: never[]) => unknown): T | undefined {
  const E = Error as ErrorConstructor & { prepareStackTrace?: unknown };
  const had = Object.prototype.hasOwnProperty.call(E, 'prepareStackTrace');
  const prep = E.prepareStackTrace;
  const oldLimit = E.stackTraceLimit;
  try {
    E.prepareStackTrace = (_e: unknown, sites: NodeJS.CallSite[]) => ({ value: read(sites) });
    E.stackTraceLimit = limit;
    const holder: { stack?: { value: T } } = {};
    Error.captureStackTrace(holder, above);
    return holder.stack?.value;
  } catch {
    return undefined;
  } finally {
    try {
      if (had) E.prepareStackTrace = prep;
      else Reflect.deleteProperty(E, 'prepareStackTrace');
      E.stackTraceLimit = oldLimit;
    } catch {
      // A frozen Error: nothing was changed either.
    }
  }
}
