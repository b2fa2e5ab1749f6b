/**
 * The one contract between the workbench UI and its host (Electron main, or the `agenttrace ui` server).
 * Every method takes one JSON params object and resolves to JSON. Results cross transports wrapped as RpcResult,
 * because Electron's `invoke` keeps only the message of a thrown error.
 */
import type { RunStatus } from '../trace/types.js';

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
  startedAt: number;
  endedAt?: number;
  exitCode?: number | null;
}

export interface WorkbenchApi {
  /** Runs of the store, newest first, one page at a time. */
  listRuns(params: { limit?: number; offset?: number; query?: string }): Promise<{ runs: RunSummary[]; total: number }>;
}

export type MethodName = keyof WorkbenchApi;
export type ParamsOf<M extends MethodName> = Parameters<WorkbenchApi[M]>[0];
export type ResultOf<M extends MethodName> = Awaited<ReturnType<WorkbenchApi[M]>>;

/** The method names a dispatcher accepts; anything else is refused with ATR_UNKNOWN_METHOD. */
export const METHOD_NAMES: readonly MethodName[] = ['listRuns'];

export interface RpcError {
  code: string;
  message: string;
  data?: unknown;
}

export type RpcResult<T> = { ok: true; result: T } | { ok: false; error: RpcError };

/** The Electron IPC channel that carries `call`. */
export const IPC_CALL_CHANNEL = 'agenttrace:call';
export const IPC_EVENT_CHANNEL = 'agenttrace:event';

/** What the preload exposes on `window.agenttrace`. */
export interface PreloadBridge {
  call(method: string, params: unknown): Promise<RpcResult<unknown>>;
  onEvent(cb: (event: { type: string; data: unknown }) => void): () => void;
  pathForFile(file: File): string;
}
