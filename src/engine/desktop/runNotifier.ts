/**
 * Desktop notifications for long runs: a branch run, a resume or a recording that was seen running for at least
 * `minDurationMs` and then reached a final status yields one notice. Fed by the engine's runUpdated events; the
 * Electron main only shows what this returns (and only when the window is not focused).
 */
import { VERDICT_LABEL, type FixReport } from '../../shared/afe/types.js';
import type { WorkbenchApi, WorkbenchEvents } from '../../shared/rpc/contract.js';
import type { RunStatus } from '../../shared/trace/types.js';

export interface RunNotice {
  runId: string;
  title: string;
  body: string;
}

const FINAL: ReadonlySet<RunStatus> = new Set<RunStatus>(['ok', 'failed', 'crashed', 'diverged']);

export function createRunNotifier(opts: { minDurationMs?: number; now?: () => number } = {}): (u: WorkbenchEvents['runUpdated']) => RunNotice | null {
  const minDurationMs = opts.minDurationMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const started = new Map<string, number>();
  return (u) => {
    if (u.status === 'running') {
      if (!started.has(u.runId)) started.set(u.runId, now());
      return null;
    }
    if (!FINAL.has(u.status)) return null;
    const since = started.get(u.runId);
    started.delete(u.runId);
    if (since === undefined || now() - since < minDurationMs) return null;
    const seconds = Math.round((now() - since) / 1000);
    const what = /__resume-\d+$/.test(u.runId) ? 'Resume' : u.runId.includes('__') ? 'Branch run' : 'Run';
    const verdict = u.status === 'ok' ? 'finished' : u.status === 'diverged' ? 'diverged' : `ended: ${u.status}`;
    return { runId: u.runId, title: `${what} ${verdict}`, body: `${u.runId} — ${u.steps} steps in ${seconds} s` };
  };
}

/**
 * The offline Replay action creates no run (nothing to watch): this wraps the contract's replayRun so a replay that
 * took at least `minDurationMs` yields a notice with its verdict. Everything else passes through unchanged.
 */
export function notifyLongReplays(api: WorkbenchApi, onNotice: (n: RunNotice) => void, opts: { minDurationMs?: number; now?: () => number } = {}): WorkbenchApi {
  const minDurationMs = opts.minDurationMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const replayRun: WorkbenchApi['replayRun'] = async (params) => {
    const t0 = now();
    const v = await api.replayRun(params);
    const ms = now() - t0;
    if (ms >= minDurationMs) {
      const verdict = v.identical ? 'verified: output identical' : v.divergence ? `diverged at step ${v.divergence.seq}` : `ended: ${v.outcome}`;
      onNotice({ runId: v.runId, title: `Replay ${verdict}`, body: `${v.runId} — ${v.matched} of ${v.recordedSteps} steps matched in ${Math.round(ms / 1000)} s` });
    }
    return v;
  };
  return new Proxy(api, { get: (target, key, receiver) => (key === 'replayRun' ? replayRun : Reflect.get(target, key, receiver)) });
}

/** A fix attempt that took at least `minDurationMs` yields one notice with its outcome (best verdict, or why it stopped). */
export function fixNotice(r: FixReport, minDurationMs = 10_000): RunNotice | null {
  const ms = (r.finishedAt ?? r.createdAt) - r.createdAt;
  if (ms < minDurationMs) return null;
  const best = r.candidates[0];
  const title = r.status === 'done' ? (best ? `Fix ready: ${VERDICT_LABEL[best.verdict]}` : 'Fix finished: no candidate') : r.status === 'no_failure' ? 'Fix: the run did not fail' : `Fix ${r.status}`;
  const body = `${r.runId} — ${best && r.status === 'done' ? `${r.candidates.length} candidate${r.candidates.length === 1 ? '' : 's'}, best: ${best.title}` : (r.error ?? r.status)} (${Math.round(ms / 1000)} s)`;
  return { runId: r.runId, title, body };
}
