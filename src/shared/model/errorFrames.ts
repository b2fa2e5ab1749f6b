/**
 * The failing stack of an `error` event as the error panel shows it: every frame of the recorded stack text (own
 * code, libraries, Node internals), each own frame joined with the locals captured for it on the failing pass, and
 * runs of library/internal frames folded so the agent's own code comes first.
 */
import type { ErrorPayload, Json } from '../trace/types.js';
import { stackLines } from '../trace/stackText.js';

export type FrameKind = 'own' | 'library' | 'internal';

export interface ErrorFrame {
  functionName: string;
  /** file URL (or `node:…`) as printed. */
  url: string;
  line: number;
  column: number;
  kind: FrameKind;
  /** The frame was suspended at an `await` (printed `at async …`). */
  async: boolean;
  /** Locals read on the failing pass; undefined: not captured at that moment. */
  locals?: Record<string, Json>;
  /** Where the locals were read when that is not the printed line (a rethrow inside a catch block). */
  localsLine?: number;
  /** The locals were read by an offline replay of the run to this error (see ErrorPayload.framesBy). */
  localsBy?: 'replay';
}

export type FrameRow = { type: 'frame'; index: number; frame: ErrorFrame } | { type: 'folded'; indexes: number[]; frames: ErrorFrame[] };

/** A printed location as the file URL form the recorder uses for frames. */
function toUrl(loc: string): string {
  if (loc.startsWith('/')) return `file://${encodeURI(loc)}`;
  if (/^[A-Za-z]:\\/.test(loc)) return `file:///${encodeURI(loc.replace(/\\/g, '/'))}`;
  return loc;
}

export function frameKind(url: string): FrameKind {
  if (!url.startsWith('file:') && !url.startsWith('/')) return 'internal';
  return url.includes('/node_modules/') ? 'library' : 'own';
}

/** The frames of a printed stack (`err.stack`), innermost first; lines that are not frames are skipped. */
export function parseStackText(stack: string): ErrorFrame[] {
  return stackLines(stack).map((f) => {
    const url = toUrl(f.location);
    return { functionName: f.functionName, url, line: f.line, column: f.column, kind: frameKind(url), async: f.async };
  });
}

/**
 * The event's frames: the printed stack with the captured locals attached to their frames (matched in order by
 * file and function; the line may differ for a rethrow). A value thrown without a stack shows the captured frames.
 */
export function errorFrames(payload: ErrorPayload): ErrorFrame[] {
  const captured = payload.frames ?? [];
  const frames = payload.stack ? parseStackText(payload.stack) : [];
  const by = payload.framesBy === 'replay' ? { localsBy: 'replay' as const } : {};
  if (frames.length === 0) return captured.map((f) => ({ functionName: f.functionName, url: f.url, line: f.line, column: f.column, kind: frameKind(f.url), async: false, locals: f.locals, ...by }));
  let next = 0;
  for (const f of frames) {
    if (f.kind !== 'own' || next >= captured.length) continue;
    const at = captured.findIndex((c, i) => i >= next && c.url === f.url && c.functionName === f.functionName);
    if (at < 0) continue;
    f.locals = captured[at].locals;
    Object.assign(f, by);
    if (captured[at].line !== f.line) f.localsLine = captured[at].line;
    next = at + 1;
  }
  return frames;
}

/** Rows of the frame list: own frames one by one, each run of library and internal frames as one folded row. */
export function foldFrames(frames: ErrorFrame[]): FrameRow[] {
  const rows: FrameRow[] = [];
  frames.forEach((frame, index) => {
    if (frame.kind === 'own') {
      rows.push({ type: 'frame', index, frame });
      return;
    }
    const last = rows[rows.length - 1];
    if (last?.type === 'folded') {
      last.indexes.push(index);
      last.frames.push(frame);
    } else rows.push({ type: 'folded', indexes: [index], frames: [frame] });
  });
  return rows;
}

/** The frame the panel opens on: the innermost own frame, else the first frame. */
export function defaultFrame(frames: ErrorFrame[]): number | undefined {
  if (frames.length === 0) return undefined;
  const own = frames.findIndex((f) => f.kind === 'own');
  return own >= 0 ? own : 0;
}

/** The lines of a source around `line` (1-based): [first line number, texts]. */
export function sourceWindow(text: string, line: number, context: number): { first: number; lines: string[] } {
  const all = text.split('\n');
  if (all.length > 1 && all[all.length - 1] === '') all.pop();
  const first = Math.max(1, line - context);
  const last = Math.min(all.length, line + context);
  return { first, lines: all.slice(first - 1, Math.max(first - 1, last)) };
}
