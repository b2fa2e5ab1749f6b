/**
 * The one contract between the workbench UI and its host (Electron main, or the `agenttrace ui` server).
 * Every method takes one JSON params object and resolves to JSON: ids instead of blobs, pages instead of whole lists.
 * Results cross transports wrapped as RpcResult, because Electron's `invoke` keeps only the message of a thrown
 * error. Host-to-UI notifications are the WorkbenchEvents map (WebSocket in a browser, IPC in Electron).
 */
import type { AtrErrorJson } from '../errors.js';
import type { EventSummary } from '../model/eventSummary.js';
import type { EventKind, Json, RunMeta, RunStatus, StateAtStep, TraceEvent } from '../trace/types.js';
import { ACTION_METHOD_NAMES, type ActionsApi } from './actionsContract.js';
import { IMPORT_METHOD_NAMES, type ImportApi } from './importContract.js';
import { RECORD_METHOD_NAMES, type RecordApi } from './recordContract.js';

export type { EventSummary } from '../model/eventSummary.js';
export type { ImportApi, ImportOutcome } from './importContract.js';
export type { RecordApi } from './recordContract.js';
export type { ActionsApi, EditValidation, ExportedFile, ReplayVerdictView, RunDiffChange, RunDiffSide, RunDiffView } from './actionsContract.js';

export interface RunSummary {
  id: string;
  name?: string;
  scriptPath: string;
  status: RunStatus;
  parentId?: string;
  forkSeq?: number;
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
}

/** Everything the Trace screen's header needs about one run. */
export interface RunDetail extends RunSummary {
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

export interface WorkbenchApi extends ImportApi, ActionsApi, RecordApi {
  /** Runs of the store, newest first, one page at a time; `query` matches id, name or script path. */
  listRuns(params: { limit?: number; offset?: number; query?: string }): Promise<{ runs: RunSummary[]; total: number }>;
  /** One run's details (status, script, totals, fork point, warnings). ATR_NOT_FOUND for an unknown id. */
  getRun(params: { runId: string }): Promise<RunDetail>;
  /** The root of runId's tree and all its descendants (branches, resumes), root first: the branch graph's input. */
  getRunTree(params: { runId: string }): Promise<{ rootId: string; runs: RunSummary[] }>;
  /** A page of the run's events as timeline summaries, from seq `from` on, optionally only some kinds. */
  getEvents(params: { runId: string; from?: number; limit?: number; kinds?: EventKind[] }): Promise<EventPage>;
  /** One full event with its bodies resolved (text when small UTF-8, else a size note). */
  getEvent(params: { runId: string; seq: number }): Promise<EventDetail>;
  /** Tracked state, globals, locals, stack and files at a step, with the paths changed since the step before. */
  getStateAt(params: { runId: string; seq: number }): Promise<StateView>;
  /** Console output of the run up to and including seq `toSeq` (all of it by default); the last `limit` lines. */
  getConsole(params: { runId: string; toSeq?: number; limit?: number }): Promise<{ lines: ConsoleLine[]; total: number }>;
  /** A file the agent wrote, as it was at step `seq`. */
  getFile(params: { runId: string; seq: number; path: string }): Promise<FileView>;
}

export type MethodName = keyof WorkbenchApi;
export type ParamsOf<M extends MethodName> = Parameters<WorkbenchApi[M]>[0];
export type ResultOf<M extends MethodName> = Awaited<ReturnType<WorkbenchApi[M]>>;

/** The method names a dispatcher accepts; anything else is refused with ATR_UNKNOWN_METHOD. */
export const METHOD_NAMES: readonly MethodName[] = ['listRuns', 'getRun', 'getRunTree', 'getEvents', 'getEvent', 'getStateAt', 'getConsole', 'getFile', ...IMPORT_METHOD_NAMES, ...ACTION_METHOD_NAMES, ...RECORD_METHOD_NAMES];

/** Host-to-UI notifications, by type. */
export interface WorkbenchEvents {
  /** A run was created or its status or step count changed (a recording in progress, a branch run finishing). */
  runUpdated: { runId: string; status: RunStatus; steps: number };
  /** The host asks the window to show a run (desktop: a trace file opened from the OS or the menu, a recording started). */
  openRun: { runId: string };
}

export type WorkbenchEventType = keyof WorkbenchEvents;
export type WorkbenchEvent = { [K in WorkbenchEventType]: { type: K; data: WorkbenchEvents[K] } }[WorkbenchEventType];

/** Subscribes to host events; returns the unsubscribe function. */
export type EventSubscribe = (cb: (event: WorkbenchEvent) => void) => () => void;

/** An error crossing the contract: `{code, message, data?}` with a code from src/shared/errors.ts. */
export type RpcError = AtrErrorJson;

export type RpcResult<T> = { ok: true; result: T } | { ok: false; error: RpcError };

/** The Electron IPC channel that carries `call`. */
export const IPC_CALL_CHANNEL = 'agenttrace:call';
export const IPC_EVENT_CHANNEL = 'agenttrace:event';

/** The WebSocket path of host events in browser mode (`?token=` required). */
export const EVENTS_PATH = '/api/events';

/** What the preload exposes on `window.agenttrace`. */
export interface PreloadBridge {
  call(method: string, params: unknown): Promise<RpcResult<unknown>>;
  onEvent(cb: (event: WorkbenchEvent) => void): () => void;
  pathForFile(file: File): string;
}

/** JSON values only cross the contract; re-exported for the views. */
export type { Json };
