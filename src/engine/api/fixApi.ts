/**
 * The AutoFix Engine over the contract: start a fix in the background (its id comes back at once; stages arrive as
 * fixProgress events and the report is saved after each stage), read reports, cancel, apply, undo, and the AI
 * settings. The Groq key lives in a KeyVault the host provides: Electron's safeStorage in the desktop app, memory
 * only in browser mode; it never reaches the store, a report, an event or a log.
 */
import type { FixProgress, FixReport } from '../../shared/afe/types.js';
import type { AiSettingsView, FixApi } from '../../shared/rpc/fixContract.js';
import { applyFix, undoFix } from '../afe/apply.js';
import { fixableRun, newFixId, runFix } from '../afe/autofix.js';
import { DEFAULT_GROQ_MODEL, GROQ_MODELS, testGroqKey } from '../afe/groq.js';
import { loadAfeSettings, saveAfeSettings } from '../settings/afeSettings.js';
import { BadArgsError } from '../errors.js';
import { fixStats, getFix, listFixes } from '../store/fixStore.js';
import type { TraceStore } from '../store/store.js';

/** Where the host keeps the user's Groq key. */
export interface KeyVault {
  get(): string | undefined;
  set(key: string | undefined): void;
  /** 'safeStorage': encrypted by the OS (desktop); 'memory': gone when the workbench stops (browser mode). */
  readonly storage: 'safeStorage' | 'memory';
}

export function memoryVault(initial?: string): KeyVault {
  let key = initial;
  return { get: () => key, set: (k) => void (key = k), storage: 'memory' };
}

export interface FixApiOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The agents' node binary for validation replays (Electron passes itself with ELECTRON_RUN_AS_NODE). */
  node?: string;
  vault?: KeyVault;
  onFixProgress?: (p: FixProgress) => void;
  /** A fix ended (done, no failure, cancelled, error): the host may notify (desktop: when unfocused). */
  onFixDone?: (r: FixReport) => void;
  /** Branch runs were written: the host re-reads the store for runUpdated events. */
  onRunsChanged?: () => void;
}

export function createFixApi(store: TraceStore, opts: FixApiOptions = {}): FixApi {
  const vault = opts.vault ?? memoryVault();
  const running = new Map<string, AbortController>();
  const env = (): NodeJS.ProcessEnv => opts.env ?? process.env;
  const view = (): AiSettingsView => ({
    ...loadAfeSettings(store.home),
    hasKey: Boolean(vault.get()),
    keyStorage: vault.storage,
    models: GROQ_MODELS.map((m) => m.id),
    defaultModel: DEFAULT_GROQ_MODEL,
  });
  const emit = (p: FixProgress): void => {
    try {
      opts.onFixProgress?.(p);
      if (p.stage === 'rootCause' || p.stage === 'validate') opts.onRunsChanged?.();
    } catch {
      // Reporting progress must never break the fix it reports on.
    }
  };

  return {
    startFix: async (p) => {
      // Checked here, before the call returns: a run that cannot be fixed is an error of this call, not of the job.
      const run = fixableRun(store, p.runId);
      const settings = loadAfeSettings(store.home);
      const useAi = p.useAi ?? settings.useAi;
      const fixId = newFixId(run.id);
      const ac = new AbortController();
      running.set(fixId, ac);
      const key = vault.get() ?? env().GROQ_API_KEY;
      void runFix({
        store,
        runId: run.id,
        step: p.step,
        ai: useAi ? { enabled: true, apiKey: key, model: settings.model, baseURL: env().GROQ_BASE_URL } : { enabled: false },
        live: p.live,
        maxReplays: p.maxReplays,
        env: env(),
        cwd: opts.cwd ?? process.cwd(),
        ...(opts.node ? { node: opts.node } : {}),
        signal: ac.signal,
        fixId,
        onProgress: emit,
      })
        .then((r) => opts.onFixDone?.(r))
        .catch(() => {
          // The report was saved with status 'error' and its one-line reason; the UI reads it.
          try {
            opts.onFixDone?.(getFix(store, fixId));
          } catch {
            // Nothing was saved (the store closed underneath): nothing to report.
          }
        })
        .finally(() => {
          running.delete(fixId);
          opts.onRunsChanged?.();
        });
      return { fixId, runId: run.id };
    },

    getFix: async ({ fixId }) => getFix(store, fixId),

    listFixes: async (p) => ({
      fixes: listFixes(store, { runId: p.runId === undefined ? undefined : store.resolveRunId(p.runId), limit: p.limit }),
    }),

    cancelFix: async ({ fixId }) => {
      const ac = running.get(fixId);
      if (!ac) return { cancelled: false };
      ac.abort(new Error('cancelled'));
      return { cancelled: true };
    },

    applyFix: async ({ fixId, candidate }) => {
      if (running.has(fixId)) throw new BadArgsError(`fix ${fixId} is still running`, 'wait for its candidates to be validated');
      const r = applyFix(store, `${fixId}/${candidate}`);
      return { fixId: r.fix.id, candidate: r.candidate.n, files: r.files };
    },

    undoFix: async ({ fixId }) => {
      const r = undoFix(store, fixId);
      return { fixId: r.fix.id, candidate: r.candidate, files: r.files };
    },

    getFixStats: async () => fixStats(store, running.size),

    getAiSettings: async () => view(),

    setAiSettings: async (p) => {
      if (p.apiKey !== undefined) vault.set(p.apiKey === null || p.apiKey.trim() === '' ? undefined : p.apiKey.trim());
      const cur = loadAfeSettings(store.home);
      saveAfeSettings(store.home, { model: p.model ?? cur.model, useAi: p.useAi ?? cur.useAi, autoApply: p.autoApply ?? cur.autoApply });
      return view();
    },

    testAiKey: async (p) => {
      const key = p.apiKey?.trim() || vault.get() || env().GROQ_API_KEY;
      if (!key) return { status: 'invalid', message: 'no Groq key: paste one first' };
      return testGroqKey({ apiKey: key, model: loadAfeSettings(store.home).model, baseURL: env().GROQ_BASE_URL, env: env() });
    },
  };
}
