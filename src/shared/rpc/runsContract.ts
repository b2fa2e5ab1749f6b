/**
 * The runs part of the contract: the trace list, one run's header, its branch tree, and the timeline, event, state,
 * console and file views of the Trace screen.
 */
import type { Failure, FailureClass, FixStatus, Verdict } from '../afe/types.js';
import { z } from 'zod';
import { EVENT_KINDS, type EventSummary } from '../model/eventSummary.js';
import type { EditSummary } from '../model/runLineage.js';
import type { EventKind, RunMeta, RunStatus, StateAtStep, TraceEvent } from '../trace/types.js';
import { runId, seq, type ApiOf } from './schema.js';

export interface RunSummary {
  id: string;
  name?: string;
  scriptPath: string;
  status: RunStatus;
  parentId?: string;
  forkSeq?: number;
  /** A branch's edits (its overrides), by step: what the graph says was changed. */
  edits?: EditSummary[];
  steps: number;
  llmCalls: number;
  totalTokens: number;
  /**
   * USD of the run's own LLM calls (a branch: those after its fork) at the price table in effect; absent when the
   * run made calls and none could be priced. Calls without a price are counted in unpricedCalls, never as $0.
   */
  costUsd?: number;
  /** LLM calls whose cost is unknown (model not in the price table, or no recorded usage). */
  unpricedCalls?: number;
  startedAt: number;
  endedAt?: number;
  exitCode?: number | null;
  /** The failure class detected when the run ended (absent for runs that did not fail). */
  failureClass?: FailureClass;
  /** The latest fix attempt of this run. */
  latestFix?: { id: string; status: FixStatus; bestVerdict?: Verdict };
}

/** Everything the Trace screen's header needs about one run. */
export interface RunDetail extends RunSummary {
  /**
   * Bumped each time events already stored changed afterwards (a streamed reply completed, locals at the error
   * added by an offline replay); absent: never. A view of a finished run reloads when it changes.
   */
  revision?: number;
  scriptSha256: string;
  /** Source text of the script at record time (bounded by the recorder), when it was readable. */
  scriptSource?: string;
  argv: string[];
  cwd: string;
  mode: RunMeta['mode'];
  nodeVersion: string;
  sdkVersion: string;
  keyframeEvery: number;
  promptTokens: number;
  completionTokens: number;
  exitSignal: string | null;
  /** Recorder and ingest diagnostics. */
  warnings: string[];
  /** Branches: the seqs whose payload an edit replaced. */
  overrideSeqs: number[];
  /** The root run of this run's tree (itself for a trace). */
  rootId: string;
  /** Events visible in this run: for a branch, its ancestors' up to the fork plus its own. */
  eventCount: number;
  /** What detection found when the run ended (class, one-line summary, failing step, evidence). */
  failure?: Failure;
}

/** One page of a run's timeline. */
export interface EventPage {
  events: EventSummary[];
  /** Events matching the filter in the whole run (not just this page): the timeline's height. */
  total: number;
  /** Pass as `from` for the next page; absent on the last page. */
  nextFrom?: number;
}

/** A request or response body as the inspector shows it: the text, or why it is not shown. */
export type ResolvedBody = { text: string; size: number } | { size: number; encoding: 'utf8' | 'binary'; blob: string; note: string };

/** A full event, bodies resolved to text when they are small UTF-8. */
export interface EventDetail {
  /** The run that recorded this event: an ancestor for a branch's events before its fork. */
  runId: string;
  event: TraceEvent;
  /** Bodies by payload path: 'request' and 'response' for llm/http events. */
  bodies: { request?: ResolvedBody; response?: ResolvedBody };
}

/** The state at a step plus what changed since the step before, as dot-joined paths under tracked/globals/frames. */
export interface StateView extends StateAtStep {
  changedPaths: string[];
  /** Files renamed up to the step: source path → destination (the source shows as moved, not deleted). */
  renamed: Record<string, string>;
}

export interface ConsoleLine {
  seq: number;
  ts: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** The content of a file the agent wrote, as it was at a step. */
export interface FileView {
  path: string;
  seq: number;
  /** Content hash, or null when the file was deleted at that step. */
  hash: string | null;
  size: number;
  text?: string;
  /** Why no text is shown (binary, too large, deleted, blob missing). */
  note?: string;
}

/** One event whose payload text matches a search, with the matched words in context. */
export interface SearchHit {
  seq: number;
  kind: EventKind;
  /** The run that recorded the event (an ancestor for a branch's inherited steps). */
  runId: string;
  /** Masked payload text around the first matches (one line). */
  snippet: string;
  /** Character ranges of the matched words in `snippet`. */
  matches: [number, number][];
}

export interface SearchResult {
  hits: SearchHit[];
  /** More events match than `limit`: refine the words. */
  more: boolean;
}

/** Results per search at most (the find box lists them; more means "refine your words"). */
export const SEARCH_LIMIT_MAX = 500;

const kind = z.enum(EVENT_KINDS as [EventKind, ...EventKind[]]);

export const runsParams = {
  /** Runs of the store, newest first, one page at a time; `query` matches id, name or script path. */
  listRuns: z
    .object({
      limit: z.number().int().min(1).max(1000).optional(),
      offset: z.number().int().min(0).optional(),
      query: z.string().max(200).optional(),
    })
    .strict(),
  /** One run's details (status, script, totals, fork point, warnings). ATR_NOT_FOUND for an unknown id. */
  getRun: z.object({ runId }).strict(),
  /** The root of runId's tree and all its descendants (branches, resumes), root first: the branch graph's input. */
  getRunTree: z.object({ runId }).strict(),
  /** A page of the run's events as timeline summaries, from seq `from` on, optionally only some kinds. */
  getEvents: z
    .object({
      runId,
      from: seq.optional(),
      limit: z.number().int().min(1).max(5000).optional(),
      kinds: z.array(kind).max(EVENT_KINDS.length).optional(),
    })
    .strict(),
  /** One full event with its bodies resolved (text when small UTF-8, else a size note). */
  getEvent: z.object({ runId, seq }).strict(),
  /** Tracked state, globals, locals, stack and files at a step, with the paths changed since the step before. */
  getStateAt: z.object({ runId, seq }).strict(),
  /** Console output of the run up to and including seq `toSeq` (all of it by default); the last `limit` lines. */
  getConsole: z.object({ runId, toSeq: seq.optional(), limit: z.number().int().min(1).max(100_000).optional() }).strict(),
  /** A file the agent wrote, as it was at step `seq`. */
  getFile: z.object({ runId, seq, path: z.string().min(1).max(4096) }).strict(),
  /**
   * Full-text search of the run's payloads (LLM messages and replies, HTTP bodies, console lines, errors, tool
   * arguments; a branch: with its inherited steps): matching events in seq order, each with a snippet. Every
   * word is required and matches as a prefix; the text is never query syntax.
   */
  searchEvents: z
    .object({
      runId,
      query: z.string().max(500),
      limit: z.number().int().min(1).max(SEARCH_LIMIT_MAX).optional(),
    })
    .strict(),
};

export interface RunsResults {
  listRuns: { runs: RunSummary[]; total: number };
  getRun: RunDetail;
  getRunTree: { rootId: string; runs: RunSummary[] };
  getEvents: EventPage;
  getEvent: EventDetail;
  getStateAt: StateView;
  getConsole: { lines: ConsoleLine[]; total: number };
  getFile: FileView;
  searchEvents: SearchResult;
}

export type RunsApi = ApiOf<typeof runsParams, RunsResults>;
