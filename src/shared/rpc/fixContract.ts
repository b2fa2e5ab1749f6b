/**
 * The AutoFix Engine part of the contract: the fix review screen starts a fix (its id comes back at once), follows
 * it through fixProgress events, reads the report, cancels, applies and undoes; the settings screen manages the
 * Groq key (held by the host: safeStorage on the desktop, memory only in a browser), model and AI toggle.
 */
import { z } from 'zod';
import type { FixReport, FixStatus, FailureClass, Verdict } from '../afe/types.js';
import { runId, type ApiOf } from './schema.js';

const fixId = z.string().min(1).max(500);
const none = z.object({}).strict();

export const fixParams = {
  /** Starts the AutoFix Engine on a failed run in the background; progress arrives as fixProgress events. */
  startFix: z
    .object({ runId, step: z.number().int().min(0).optional(), useAi: z.boolean().optional(), live: z.boolean().optional(), maxReplays: z.number().int().min(0).max(64).optional() })
    .strict(),
  /** A fix report (also while it runs: saved after each stage). ATR_NOT_FOUND for an unknown id. */
  getFix: z.object({ fixId }).strict(),
  /** Fix attempts, newest first; only those of runId when given. */
  listFixes: z.object({ runId: runId.optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
  /** Stops a running fix (its report ends as cancelled). */
  cancelFix: z.object({ fixId }).strict(),
  /** Writes candidate N's files (sha-checked; ATR_FIX_STALE when a file changed). */
  applyFix: z.object({ fixId, candidate: z.number().int().min(1) }).strict(),
  /** Restores the files of the applied candidate byte-identical. */
  undoFix: z.object({ fixId }).strict(),
  /** Counts of runs, failing runs, runs with a fixing candidate, and fixes still running. */
  getFixStats: none,
  /** Model, AI toggle, auto-apply, and whether a key is held (never the key itself). */
  getAiSettings: none,
  /** Saves settings; apiKey null or '' forgets the key. */
  setAiSettings: z
    .object({ apiKey: z.string().max(500).nullable().optional(), model: z.string().min(1).max(200).optional(), useAi: z.boolean().optional(), autoApply: z.boolean().optional() })
    .strict(),
  /** Checks a key (the given one, else the held one) with one cheap Groq call: ok / invalid / rate-limited. */
  testAiKey: z.object({ apiKey: z.string().max(500).optional() }).strict(),
};

/** A line of the fix history. */
export interface FixListItem {
  id: string;
  runId: string;
  createdAt: number;
  status: FixStatus;
  failureClass?: FailureClass;
  bestVerdict?: Verdict;
  /** The applied candidate's number, while applied. */
  applied?: number;
}

export interface AiSettingsView {
  model: string;
  useAi: boolean;
  /** Auto-apply a "fixed" (not simulated) candidate scoring >= 0.9; off by default. */
  autoApply: boolean;
  hasKey: boolean;
  /** Where the key is kept: encrypted by the OS (desktop) or in memory until the workbench stops (browser). */
  keyStorage: 'safeStorage' | 'memory';
  models: string[];
  defaultModel: string;
}

export interface KeyTestResult {
  status: 'ok' | 'invalid' | 'rate_limited' | 'error';
  /** One line for people. */
  message: string;
}

/** Counts for the Traces screen's dashboard strip. */
export interface FixStats {
  runs: number;
  failing: number;
  fixed: number;
  pendingValidation: number;
}

export interface FixResults {
  startFix: { fixId: string; runId: string };
  getFix: FixReport;
  listFixes: { fixes: FixListItem[] };
  cancelFix: { cancelled: boolean };
  applyFix: { fixId: string; candidate: number; files: string[] };
  undoFix: { fixId: string; candidate: number; files: string[] };
  getFixStats: FixStats;
  getAiSettings: AiSettingsView;
  setAiSettings: AiSettingsView;
  testAiKey: KeyTestResult;
}

export type FixApi = ApiOf<typeof fixParams, FixResults>;
