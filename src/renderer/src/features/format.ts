/** Small display helpers shared by the workbench views. */
export { formatDuration } from '../../../shared/model/eventSummary';
export { formatUsd } from '../../../shared/model/pricing';

export function runLabel(r: { name?: string; scriptPath: string }): string {
  return r.name ?? (r.scriptPath.split(/[\\/]/).pop() || r.scriptPath);
}

/** A size for people: 812 B, 4.2 KiB, 1.3 MiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
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
