/** Shapes the store returns. Rows are mapped to these in rows.ts; nothing outside the store sees SQL rows. */
import type { RunSummary } from '../../shared/rpc/contract.js';
import type { EventKind, ExitPayload, Json, RunMeta, RunStatus, TokenUsage } from '../../shared/trace/types.js';

/** A stored run: its metadata plus what the host learned while ingesting (status, totals). */
export interface StoredRun extends RunMeta {
  status: RunStatus;
  exitCode: number | null;
  exitSignal: string | null;
  endedAt: number | null;
  steps: number;
  llmCalls: number;
  usage: TokenUsage;
  /** Branches only: seq -> replacement payload. */
  overrides?: Record<string, Json>;
  /** Pid of the recording host (CLI) while it ran. */
  hostPid?: number;
  /** Recorder and ingest diagnostics (degraded hooks, skipped journal lines). */
  warnings: string[];
}

/** One line of `list`: the contract's RunSummary plus the token split and duration. */
export interface RunListItem extends RunSummary {
  name?: string;
  promptTokens: number;
  completionTokens: number;
  /** endedAt - startedAt; undefined while running. */
  durationMs?: number;
}

export interface EventQuery {
  /** First seq (inclusive). */
  from?: number;
  /** Last seq (inclusive). */
  to?: number;
  kinds?: readonly (EventKind | string)[];
  /** Maximum number of events returned (after batch expansion). */
  limit?: number;
}

/** How a run ended, as the host determined it (end record, exit code, signal). */
export interface RunEnd {
  status: RunStatus;
  exit?: ExitPayload;
  endedAt: number;
  steps?: number;
}
