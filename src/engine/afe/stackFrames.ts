/**
 * Stack frames for failure detection: parsing V8 stack text, telling the user's own frames from library and runtime
 * frames, and reading the source line a frame points at. Pure apart from the injected source reader.
 */
import { fileURLToPath } from 'node:url';
import type { UserFrame } from '../../shared/afe/types.js';
import type { StackFrame } from '../../shared/trace/types.js';

/** One frame of a stack, with the file as a path when it is a file (undefined for node:, <anonymous>, eval). */
export interface ParsedFrame extends StackFrame {
  file?: string;
}

const AT = /^\s*at (?:async )?(?:(.*?) \((.*)\)|(.*))$/;
const LOC = /^(.*):(\d+):(\d+)$/;

/** The frames of a V8 stack text (`    at fn (file:///x.mjs:3:9)` lines), innermost first. */
export function parseStack(stack: string | undefined): ParsedFrame[] {
  const out: ParsedFrame[] = [];
  for (const line of (stack ?? '').split('\n')) {
    const m = AT.exec(line);
    if (!m) continue;
    const where = m[2] ?? m[3] ?? '';
    const loc = LOC.exec(where);
    const functionName = (m[1] ?? '').trim();
    if (!loc) {
      out.push({ functionName: functionName || where, url: where, line: 0, column: 0 });
      continue;
    }
    const url = loc[1];
    out.push({ functionName, url, line: Number(loc[2]), column: Number(loc[3]), file: fileOf(url) });
  }
  return out;
}

/** A frame url as a file path: `file://` URLs converted, absolute paths kept, anything else undefined. */
export function fileOf(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  return url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(url) ? url : undefined;
}

/**
 * Whether a file is the user's own code: a real file outside node_modules and outside AgentTrace's own SDK bundle
 * (`internal` lists folder prefixes to exclude, e.g. the SDK's dist folder when it is not under node_modules).
 */
export function isUserFile(file: string | undefined, internal: readonly string[] = []): file is string {
  if (!file) return false;
  const f = file.replace(/\\/g, '/');
  if (f.includes('/node_modules/')) return false;
  if (/\/dist\/sdk\/[^/]+\.[mc]?js$/.test(f)) return false;
  return !internal.some((p) => f.startsWith(p.replace(/\\/g, '/')));
}

/** Frames of a recorded stack (already parsed into StackFrame, e.g. a keyframe's) with their files. */
export function withFiles(frames: readonly StackFrame[]): ParsedFrame[] {
  return frames.map((f) => ({ ...f, file: fileOf(f.url) }));
}

/** The innermost user frame, or undefined. */
export function firstUserFrame(frames: readonly ParsedFrame[], internal: readonly string[] = []): ParsedFrame | undefined {
  return frames.find((f) => isUserFile(f.file, internal));
}

/** Reads the text of a user file (the recorded script source, or the file on disk); undefined when unknown. */
export type SourceReader = (file: string) => string | undefined;

/** The 1-based line `line` of `file`, untrimmed, or undefined. */
export function sourceLine(read: SourceReader, file: string, line: number): string | undefined {
  const text = read(file);
  if (text === undefined || line < 1) return undefined;
  const lines = text.split(/\r?\n/);
  return line <= lines.length ? lines[line - 1] : undefined;
}

/** A parsed frame as the shared model's UserFrame, with its trimmed source line when readable. */
export function toUserFrame(f: ParsedFrame, read: SourceReader): UserFrame {
  const file = f.file ?? f.url;
  const src = sourceLine(read, file, f.line);
  const out: UserFrame = { file, line: f.line, column: f.column, functionName: f.functionName || '<top level>' };
  if (src !== undefined && src.trim()) out.sourceLine = src.trim().slice(0, 240);
  return out;
}

/** Whether the innermost frame of a stack is `JSON.parse` (a SyntaxError from parsing, not from user syntax). */
export function thrownByJsonParse(frames: readonly ParsedFrame[]): boolean {
  return frames.length > 0 && frames[0].functionName === 'JSON.parse';
}
