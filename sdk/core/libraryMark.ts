/**
 * "This value is consumed by library code." Client libraries (openai, groq-sdk, undici...) read the clock and draw
 * random numbers for their own bookkeeping (request log ids, timeouts, retry jitter): about four values per LLM
 * call, which buried the agent's own values in the timeline. Their call sites are marked by conditional
 * breakpoints that never pause (state/libraryBreakpoints.ts): the condition calls `set()` right before the call
 * runs, and the recorder takes the mark with the value it records next in the same execution context.
 *
 * IMPORTANT: the recorder's hot path only reads `pending` (one property load); everything else happens when a
 * library call site actually ran.
 */
import { executionAsyncId } from 'node:async_hooks';

export interface LibraryMark {
  /** A library call site is about to consume a value. */
  pending: boolean;
  /** The execution context that set it: a mark never leaks into another context's value. */
  asyncId: number;
  /** Called by the breakpoint condition; returns false so the breakpoint never pauses. */
  set(): false;
}

const KEY = Symbol.for('agenttrace.libraryMark');

function createMark(): LibraryMark {
  const m: LibraryMark = {
    pending: false,
    asyncId: -1,
    set() {
      m.pending = true;
      m.asyncId = executionAsyncId();
      return false;
    },
  };
  return m;
}

const g = globalThis as unknown as Record<symbol, LibraryMark | undefined>;
/** One mark per process (the breakpoint condition finds it on the global symbol). */
export const libraryMark: LibraryMark = g[KEY] ?? (g[KEY] = createMark());

/** The breakpoint condition: evaluated in the library's frame, marks and never pauses. */
export const LIBRARY_MARK_CONDITION = `globalThis[Symbol.for('agenttrace.libraryMark')].set()`;

/** Takes the pending mark: true when it was set in the current execution context (then it is cleared either way). */
export function takeLibraryMark(): boolean {
  if (!libraryMark.pending) return false;
  libraryMark.pending = false;
  return libraryMark.asyncId === executionAsyncId();
}
