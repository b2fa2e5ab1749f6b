/** Small display helpers shared by the workbench views. */
export { formatDuration } from '../../../shared/model/eventSummary';
export { formatUsd } from '../../../shared/model/pricing';

export function runLabel(r: { name?: string; scriptPath: string }): string {
  return r.name ?? (r.scriptPath.split(/[\\/]/).pop() || r.scriptPath);
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
  return e instanceof Error ? e.message : String(e);
}
