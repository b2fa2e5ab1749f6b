/**
 * Where a piece of code lives and where it came from, for the frames the SDK records (DESIGN §3):
 * - `codeKind()` sorts a script url into the agent's own code, a library, Node internals or this SDK; only own code
 *   gets locals, and Node and SDK frames never reach a recorded stack.
 * - `parseStack()` turns a formatted stack (an Error's `.stack`) into frames; `currentStack()` reads the stack right
 *   now without a debugger pause, for keyframes taken where no locals are captured.
 * - `originalPosition()` maps generated positions through Node's source maps (tsx, any mapped script), so paused
 *   frames show the lines the agent's own stack traces show.
 *
 * Pure lookups with no inspector session: error capture uses them even when locals capture is off.
 */
import { findSourceMap, type SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { frameLine, stackLines, type StackLine } from '../../src/shared/trace/stackText.js';
import type { StackFrame } from '../../src/shared/trace/types.js';

export type CodeKind = 'own' | 'library' | 'internal' | 'sdk';

/** The folder our own code runs from (dist/sdk when bundled, its chunks/ included; sdk/ from sources), as a file URL prefix. */
function sdkUrlPrefix(): string {
  const here = new URL('.', import.meta.url).href;
  return here.endsWith('/sdk/core/') || here.endsWith('/sdk/chunks/') ? new URL('..', here).href : here;
}

/** File URL prefix of every SDK script: their frames are ours, never the agent's. */
export const SDK_PREFIX = sdkUrlPrefix();
/** SDK_PREFIX as a path (CommonJS frames and stack lines name files by path). */
const SDK_PATH = SDK_PREFIX.startsWith('file://') ? decodeURIComponent(new URL(SDK_PREFIX).pathname) : SDK_PREFIX;
/**
 * Where the sources of the SDK bundle are: its source maps point there, so with source maps on (tsx turns them on)
 * a printed stack shows our frames at sdk/… and src/shared/… lines. Those frames are ours too.
 */
const SDK_SOURCE_PREFIXES = ((): string[] => {
  const root = new URL(SDK_PREFIX.endsWith('/dist/sdk/') ? '../../' : '../', SDK_PREFIX).href;
  return [`${root}sdk/`, `${root}src/shared/`];
})();

/** True for a script of this SDK, named by file URL or path (a generated file, before any source map). */
export function isSdkScript(file: string): boolean {
  return file.startsWith(SDK_PREFIX) || file.startsWith(SDK_PATH);
}

/** Classifies a script url (file URL form): the agent's own code, a library, Node internals, or this SDK. */
export function codeKind(url: string): CodeKind {
  if (!url || url.startsWith('node:') || url.startsWith('evalmachine') || !url.includes('/')) return 'internal';
  if (url.startsWith(SDK_PREFIX) || SDK_SOURCE_PREFIXES.some((p) => url.startsWith(p))) return 'sdk';
  if (url.includes('/node_modules/')) return 'library';
  return 'own';
}

/**
 * Frames of a formatted stack string (an Error's `.stack`), innermost first, without Node internals and this SDK.
 * Locations become file URLs, lines and columns stay 1-based as printed.
 */
export function parseStack(stack: string): StackFrame[] {
  const out: StackFrame[] = [];
  for (const f of stackLines(stack)) pushFrame(out, f);
  return out;
}

function pushFrame(out: StackFrame[], f: StackLine): void {
  const url = toFileUrl(f.location);
  const kind = codeKind(url);
  if (kind !== 'internal' && kind !== 'sdk') out.push({ functionName: f.functionName, url, line: f.line, column: f.column });
}

/** Frames a keyframe keeps: an agent's stack is rarely deeper; the innermost ones matter. */
const STACK_FRAMES = 40;

/**
 * The current JS stack (cheap, no pause): for keyframes taken where no locals are captured. The same frames
 * `parseStack(new Error().stack)` would give, read from structured call sites: Node's and the SDK's frames are
 * dropped before any formatting (by their generated file, so a source map cannot pass ours off as the agent's),
 * and the rest are printed exactly as Node prints them (source-mapped when source maps are on).
 * An agent with its own Error.prepareStackTrace (source-map-support...) gets what its formatter prints.
 */
export function currentStack(): StackFrame[] {
  if (agentFormatsStacks()) return formattedStack();
  return readCallSites(framesOfSites, STACK_FRAMES, currentStack) ?? [];
}

/** Node's own formatter: Node 20 exposes it as Error.prepareStackTrace. Taken before any agent code ran. */
const NODE_PREPARE = ((): unknown => {
  const p = (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
  return typeof p === 'function' && p.name === 'ErrorPrepareStackTrace' ? p : undefined;
})();

/** True when stacks are printed by a formatter other than Node's (the agent's, source-map-support...). */
function agentFormatsStacks(): boolean {
  const p = (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
  return typeof p === 'function' && p !== NODE_PREPARE;
}

function formattedStack(): StackFrame[] {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = STACK_FRAMES;
    Error.captureStackTrace(holder, currentStack);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return parseStack(holder.stack ?? '');
}

function framesOfSites(sites: NodeJS.CallSite[]): StackFrame[] {
  const mapped = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true;
  const out: StackFrame[] = [];
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i];
    const file = site.getFileName();
    if (file != null && (file.startsWith('node:') || isSdkScript(file))) continue;
    const f = frameLine(`at ${mapped ? mappedSiteText(site, sites[i + 1]) : String(site)}`);
    if (f) pushFrame(out, f);
  }
  return out;
}

/**
 * One call site as Node prints it with source maps on (lib/internal/source_map/prepare_stack_trace.js): the
 * original position, and the original symbol name where the map has one; as V8 prints it when there is no map.
 */
function mappedSiteText(site: NodeJS.CallSite, caller: NodeJS.CallSite | undefined): string {
  const file = site.getFileName() ?? site.getEvalOrigin();
  const map = file == null ? undefined : sourceMapOf(file);
  if (!map) return String(site);
  const e = map.findEntry(site.getLineNumber()! - 1, site.getColumnNumber()! - 1) as MapEntry;
  if (e.originalSource === undefined || e.originalLine === undefined || e.originalColumn === undefined) return String(site);
  const name = originalSymbolName(map, site, caller);
  const source = e.originalSource.startsWith('file://') ? fileURLToPath(e.originalSource) : e.originalSource;
  const fnName = site.getFunctionName() ?? site.getMethodName();
  const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  const typeName = site.getTypeName();
  const originalName = `${typeName !== null && typeName !== 'global' ? `${typeName}.` : ''}${fnName || '<anonymous>'}`;
  return `${prefix}${name && name !== originalName ? name : originalName} (${source}:${e.originalLine + 1}:${e.originalColumn + 1})`;
}

interface MapEntry {
  originalSource?: string;
  originalLine?: number;
  originalColumn?: number;
  name?: string;
}

function originalSymbolName(map: SourceMap, site: NodeJS.CallSite, caller: NodeJS.CallSite | undefined): string | undefined {
  const enclosing = map.findEntry(site.getEnclosingLineNumber()! - 1, site.getEnclosingColumnNumber()! - 1) as MapEntry;
  if (enclosing.name) return enclosing.name;
  if (caller && site.getFileName() === caller.getFileName()) {
    return (map.findEntry(caller.getLineNumber()! - 1, caller.getColumnNumber()! - 1) as MapEntry).name;
  }
  return undefined;
}

/** Converts a stack-trace location (path or URL) to the file URL form V8 reports for scripts. */
export function toFileUrl(loc: string): string {
  if (loc.startsWith('/') || /^[A-Za-z]:\\/.test(loc)) return pathToFileURL(loc).href;
  return loc;
}

const sourceMaps = new Map<string, SourceMap | null>();

/**
 * Node's source map of a generated script (a path or a URL, as V8 names it), as Node's stack printing finds it;
 * cached per name (a script's map is known once it is compiled).
 */
function sourceMapOf(file: string): SourceMap | undefined {
  let map = sourceMaps.get(file);
  if (map === undefined) {
    try {
      map = findSourceMap(file.startsWith('file:') ? fileURLToPath(file) : file) ?? findSourceMap(file) ?? null;
    } catch {
      map = null;
    }
    sourceMaps.set(file, map);
  }
  return map ?? undefined;
}

/**
 * The original 0-based position of generated code (TypeScript run through tsx, or any script with a source map
 * Node knows), so captured frames show the lines the agent's stack traces show. undefined when there is no map.
 */
export function originalPosition(url: string, line: number, column: number): { line: number; column: number } | undefined {
  const map = sourceMapOf(url);
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
