/** Human formatting for the CLI: tables, times, durations and one-line event summaries. Pure functions. */
import path from 'node:path';

// Event summaries are shared with the workbench timeline: one implementation in src/shared/model.
export { EVENT_KINDS, formatDuration, summarizeEvent, truncate } from '../shared/model/eventSummary.js';

/** Renders rows as aligned columns; `right` lists column indexes aligned right (numbers). */
export function table(header: string[], rows: string[][], right: number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : right.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Local time `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Shortest prefix length (at least `min`) that keeps every id distinct. */
export function uniquePrefixLength(ids: string[], min = 8): number {
  let n = min;
  const maxLen = Math.max(0, ...ids.map((i) => i.length));
  while (n < maxLen && new Set(ids.map((i) => i.slice(0, n))).size < ids.length) n++;
  return n;
}

export function runLabel(run: { name?: string; scriptPath: string }): string {
  return run.name ?? (path.basename(run.scriptPath) || run.scriptPath);
}
