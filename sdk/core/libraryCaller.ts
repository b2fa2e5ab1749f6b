/**
 * "This value is consumed by library code." Client libraries (openai, groq-sdk, undici...) read the clock and draw
 * random numbers for their own bookkeeping (request log ids, timeouts, retry jitter): about four values per LLM
 * call, which buried the agent's own values in the timeline.
 *
 * Decided at the draw, by who called: the first frame of the stack below this SDK (and Node's internals) belongs to
 * a known client package. One structured stack capture costs ~3 us in a hot loop but 10-20 us in a running agent
 * (measured in situ with the openai client), so checks are rate-limited by the time they take: a budget refilled at
 * each tick of the recorder's flush timer (`refillLibraryChecks`), 1% of the agent's time, which a run starts with
 * some of in store (short runs and bursts after a quiet spell are checked in full). A value drawn once it is spent (a
 * loop whose model answers within a millisecond, an agent drawing thousands of values) is taken as the agent's: an
 * unmarked library value is shown, while a marked agent value would hide what the agent did.
 *
 * Why not breakpoints on the libraries' call sites (the earlier way): a conditional breakpoint's condition is
 * evaluated through the debugger at every hit, which cost the agent about a millisecond per LLM call, and it needed
 * the inspector (nothing was marked with AGENTTRACE_LOCALS=off).
 *
 * IMPORTANT: the recorder's hot path only asks libraryQuestionClosed() (two fields of one object); the capture happens
 * only while checks are left.
 */
import { orig } from './originals.js';
import { isSdkScript, readCallSites } from './stackFrames.js';

/**
 * Client packages whose own values are library internals (npm aliases such as `openai-v4` included). undici is not
 * listed: the recorder's dispatcher already runs it in the internal context, where values are not recorded at all.
 * Matches file paths (CommonJS) and file URLs (ES modules).
 */
export const LIBRARY_SCRIPT =
  /[\\/]node_modules[\\/](?:openai|groq-sdk|@anthropic-ai[\\/]sdk|node-fetch|axios|@google[\\/]genai|@google[\\/]generative-ai|@mistralai[\\/]mistralai|cohere-ai|ollama|formdata-node|agentkeepalive)(?:-v\d+)?[\\/]/;

/** Milliseconds of checks added to the budget at each flush tick (25 ms): 1% of the agent's time. */
export const CHECK_MS_PER_TICK = 0.25;
/** The most the budget holds, and what a run starts with: ~150 checks of ~15 us. */
export const CHECK_MS_STORED = 2.5;

/**
 * `left`: milliseconds of checks left (read on the recorder's hot path); `off`: no more refills
 * (disableLibraryChecks); `known`: who asked for the value being drawn now, when a patch already knows it from a stack
 * capture of its own (the Date.now patch looks at its caller while fetches are pending), so calledByLibrary takes
 * this answer instead of capturing the same stack again. Set only for the duration of one draw (withKnownCaller).
 */
export const libraryChecks: { left: number; off: boolean; known: boolean | undefined } = { left: CHECK_MS_STORED, off: false, known: undefined };

/**
 * True when calledByLibrary would answer "not a library" without looking: the check budget is spent and no caller
 * known to be a library. The recorder's fast lanes skip value() (and the question) only then.
 */
export function libraryQuestionClosed(): boolean {
  return libraryChecks.left <= 0 && libraryChecks.known !== true;
}

/** Called by the recorder's flush timer. */
export function refillLibraryChecks(): void {
  if (!libraryChecks.off) libraryChecks.left = Math.min(CHECK_MS_STORED, libraryChecks.left + CHECK_MS_PER_TICK);
}

/**
 * For a pure replay, which keeps only its verdict: who drew a value is never shown there, so no check is worth its
 * stack capture (about 5% of the replay's CPU profile with the openai client). Every value then takes the recorder's
 * fast lane.
 */
export function disableLibraryChecks(): void {
  libraryChecks.off = true;
  libraryChecks.left = 0;
}

/** Frames to look through below `above`: the SDK's own (value source, patch, Proxy trap) are at most a handful. */
export const CALLER_FRAMES = 6;

/** The file of the first of `sites` (from index `from`) that is neither this SDK nor Node's internals. */
export function firstForeignFile(sites: NodeJS.CallSite[], from = 0): string {
  for (let i = from; i < sites.length; i++) {
    const f = sites[i].getFileName();
    if (!f || f.startsWith('node:') || isSdkScript(f)) continue;
    return f;
  }
  return '';
}

/**
 * Runs `draw` (one value's recording) with its caller already known: `lib` is whether a client library asked. The
 * answer costs no check and holds even once the check budget is spent. A pure replay asks nothing (the answer is
 * dropped, as calledByLibrary's would be).
 */
export function withKnownCaller<T>(lib: boolean, draw: () => T): T {
  if (libraryChecks.off) return draw();
  libraryChecks.known = lib;
  try {
    return draw();
  } finally {
    libraryChecks.known = undefined;
  }
}

/**
 * True when the value being recorded now was asked for by a client library, false when by anything else or when
 * the check budget is spent. `above`: the recorder function calling this (its frame and those above it are not
 * captured, which keeps the capture short). Never throws.
 */
export function calledByLibrary(above: (...args: never[]) => unknown = calledByLibrary): boolean {
  const known = libraryChecks.known;
  if (known !== undefined) {
    libraryChecks.known = undefined;
    return known;
  }
  if (libraryChecks.left <= 0) return false;
  const t0 = orig.perfNow();
  const file = readCallSites(firstForeignFile, CALLER_FRAMES, above);
  libraryChecks.left -= orig.perfNow() - t0;
  return file !== undefined && LIBRARY_SCRIPT.test(file);
}
