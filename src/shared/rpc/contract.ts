/**
 * The one contract between the workbench UI and its host (Electron main, or the `agenttrace ui` server).
 * Every method takes one JSON params object and resolves to JSON: ids instead of blobs, pages instead of whole lists.
 * The methods live in parts (runsContract, importContract, actionsContract, recordContract, fixContract), each a zod params map
 * plus result types, assembled in contractParams.ts; this module holds only types and zod-free constants, so the
 * renderer can import it without bundling zod.
 * Results cross transports wrapped as RpcResult, because Electron's `invoke` keeps only the message of a thrown
 * error. Host-to-UI notifications are the WorkbenchEvents map (WebSocket in a browser, IPC in Electron).
 */
import type { FixProgress } from '../afe/types.js';
import type { AtrErrorJson } from '../errors.js';
import type { Json, RunStatus } from '../trace/types.js';
import type { CONTRACT_PARAMS, ContractResults } from './contractParams.js';
import type { ApiOf } from './schema.js';

export type { EventSummary } from '../model/eventSummary.js';
export type { ConsoleLine, EventDetail, EventPage, FileView, ResolvedBody, RunDetail, RunsApi, RunSummary, SearchHit, SearchResult, StateView } from './runsContract.js';
export type { ImportApi, ImportOutcome } from './importContract.js';
export type { RecordApi } from './recordContract.js';
export type { SourceApi, SourceView } from './sourceContract.js';
export type { FixApi, FixListItem, AiSettingsView, KeyTestResult, FixStats } from './fixContract.js';
export type { ActionsApi, EditValidation, ExportedFile, ReplayVerdictView, RunDiffChange, RunDiffSide, RunDiffView } from './actionsContract.js';

/** The workbench API: every method of every part, its params inferred from its schema (contractParams.ts). */
export type WorkbenchApi = ApiOf<typeof CONTRACT_PARAMS, ContractResults>;

export type MethodName = keyof WorkbenchApi;
export type ParamsOf<M extends MethodName> = Parameters<WorkbenchApi[M]>[0];
export type ResultOf<M extends MethodName> = ContractResults[M];

/** Host-to-UI notifications, by type. */
export interface WorkbenchEvents {
  /** A run was created or its status or step count changed (a recording in progress, a branch run finishing). */
  runUpdated: { runId: string; status: RunStatus; steps: number };
  /** The host asks the window to show a run (desktop: a trace file opened from the OS or the menu, a recording started). */
  openRun: { runId: string };
  /** A stage of a running fix (detect, root cause, candidates, validating k of n, ranked, done). */
  fixProgress: FixProgress;
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
