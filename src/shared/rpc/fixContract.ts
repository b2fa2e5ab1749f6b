/**
 * The AutoFix Engine part of the contract: the fix review screen starts a fix (its id comes back at once), follows
 * it through fixProgress events, reads the report, cancels, applies and undoes; the settings screen manages the
 * Groq key (held by the host: safeStorage on the desktop, memory only in a browser), model and AI toggle.
 */
import { z } from 'zod';
import type { FixReport, FixStatus, FailureClass, Verdict } from '../afe/types.js';

const id = z.string().min(1).max(500);
const none = z.object({}).strict();

/** Params of every fix method: the one source of their types (validated at the dispatcher's edge). */
export const fixParamsSchemas = {
  startFix: z
    .object({ runId: id, step: z.number().int().min(0).optional(), useAi: z.boolean().optional(), live: z.boolean().optional(), maxReplays: z.number().int().min(0).max(64).optional() })
    .strict(),
  getFix: z.object({ fixId: id }).strict(),
  listFixes: z.object({ runId: id.optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
  cancelFix: z.object({ fixId: id }).strict(),
  applyFix: z.object({ fixId: id, candidate: z.number().int().min(1) }).strict(),
  undoFix: z.object({ fixId: id }).strict(),
  getFixStats: none,
  getAiSettings: none,
  setAiSettings: z
    .object({ apiKey: z.string().max(500).nullable().optional(), model: z.string().min(1).max(200).optional(), useAi: z.boolean().optional(), autoApply: z.boolean().optional() })
    .strict(),
  testAiKey: z.object({ apiKey: z.string().max(500).optional() }).strict(),
};

type P<M extends keyof typeof fixParamsSchemas> = z.infer<(typeof fixParamsSchemas)[M]>;

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

export interface FixApi {
  /** Starts the AutoFix Engine on a failed run in the background; progress arrives as fixProgress events. */
  startFix(params: P<'startFix'>): Promise<{ fixId: string; runId: string }>;
  /** A fix report (also while it runs: saved after each stage). ATR_NOT_FOUND for an unknown id. */
  getFix(params: P<'getFix'>): Promise<FixReport>;
  /** Fix attempts, newest first; only those of runId when given. */
  listFixes(params: P<'listFixes'>): Promise<{ fixes: FixListItem[] }>;
  /** Stops a running fix (its report ends as cancelled). */
  cancelFix(params: P<'cancelFix'>): Promise<{ cancelled: boolean }>;
  /** Writes candidate N's files (sha-checked; ATR_FIX_STALE when a file changed). */
  applyFix(params: P<'applyFix'>): Promise<{ fixId: string; candidate: number; files: string[] }>;
  /** Restores the files of the applied candidate byte-identical. */
  undoFix(params: P<'undoFix'>): Promise<{ fixId: string; candidate: number; files: string[] }>;
  /** Counts of runs, failing runs, runs with a fixing candidate, and fixes still running. */
  getFixStats(params: P<'getFixStats'>): Promise<FixStats>;
  /** Model, AI toggle, auto-apply, and whether a key is held (never the key itself). */
  getAiSettings(params: P<'getAiSettings'>): Promise<AiSettingsView>;
  /** Saves settings; apiKey null or '' forgets the key. */
  setAiSettings(params: P<'setAiSettings'>): Promise<AiSettingsView>;
  /** Checks a key (the given one, else the held one) with one cheap Groq call: ok / invalid / rate-limited. */
  testAiKey(params: P<'testAiKey'>): Promise<KeyTestResult>;
}

export const FIX_METHOD_NAMES = Object.keys(fixParamsSchemas) as (keyof typeof fixParamsSchemas)[];
