/** Small display helpers shared by the workbench views. */
export { formatDuration } from '../../../shared/model/eventSummary';
export { formatBytes } from '../../../shared/model/formatBytes';
import { formatUsd } from '../../../shared/model/pricing';
import { forkText } from '../../../shared/model/runLineage';
export { formatUsd };

export function runLabel(r: { name?: string; scriptPath: string }): string {
  return r.name ?? (r.scriptPath.split(/[\\/]/).pop() || r.scriptPath);
}

/** A run's LLM cost: `$0.00042`, `$0.0012+?` when some calls are unpriced, `?` when none is, `—` without calls. */
export function costText(r: { llmCalls: number; costUsd?: number; unpricedCalls?: number }): string {
  if (r.costUsd === undefined) return r.llmCalls > 0 ? '?' : '—';
  return formatUsd(r.costUsd) + ((r.unpricedCalls ?? 0) > 0 ? '+?' : '');
}

/** What the LLM-usage figures of a run count: a branch's are its own calls, after its fork. */
export function usageScope(r: { parentId?: string; forkSeq?: number }): string {
  return r.parentId ? `the calls ${forkText(r.forkSeq)} on (earlier steps are replayed from the record at no cost)` : 'all calls of the run';
}

/** Time of an event relative to the run's start: +1.2s. */
export function relTime(ts: number, startedAt: number): string {
  const ms = ts - startedAt;
  if (!Number.isFinite(ms)) return '';
  if (ms < 1000) return `+${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(1)}s`;
  return `+${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // Host errors carry what to do next as data.hint (e.g. the CLI command for a file too large for the browser).
  const hint = (e as { data?: { hint?: unknown } }).data?.hint;
  return typeof hint === 'string' && hint ? `${e.message} (${hint})` : e.message;
}
