/** Human formatting for the CLI: tables, times, durations and one-line event summaries. Pure functions. */
import path from 'node:path';
import type { ConsolePayload, ErrorPayload, ExitPayload, FsPayload, HttpPayload, LlmPayload, RandomPayload, StatePayload, StepPayload, TimePayload, TraceEvent } from '../shared/trace/types.js';

export const EVENT_KINDS = ['llm', 'http', 'random', 'time', 'crypto', 'fs', 'console', 'step', 'tool', 'state', 'error', 'exit'] as const;

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

export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Shortest prefix length (at least `min`) that keeps every id distinct. */
export function uniquePrefixLength(ids: string[], min = 8): number {
  let n = min;
  const maxLen = Math.max(0, ...ids.map((i) => i.length));
  while (n < maxLen && new Set(ids.map((i) => i.slice(0, n))).size < ids.length) n++;
  return n;
}

export function truncate(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

export function runLabel(run: { name?: string; scriptPath: string }): string {
  return run.name ?? (path.basename(run.scriptPath) || run.scriptPath);
}

/** One line describing an event, by kind. Unknown shapes fall back to compact JSON. */
export function summarizeEvent(ev: TraceEvent, max = 100): string {
  const p = ev.payload as unknown;
  try {
    switch (ev.kind) {
      case 'console': {
        const c = p as ConsolePayload;
        return truncate(`${c.stream}: ${c.text}`, max);
      }
      case 'llm': {
        const l = p as LlmPayload;
        const reply = l.reply ? (l.reply.content || (l.reply.toolCalls ?? []).map((t) => `${t.name}(${t.arguments})`).join(', ')) : l.error ? `error: ${l.error.message}` : l.response ? `HTTP ${l.response.status}` : 'pending';
        const usage = l.usage ? ` [${l.usage.totalTokens} tok]` : '';
        return truncate(`${l.provider}${l.model ? ` ${l.model}` : ''}${l.stream ? ' (stream)' : ''} → ${reply}${usage}`, max);
      }
      case 'http': {
        const h = p as HttpPayload;
        const outcome = h.response ? String(h.response.status) : h.error ? `error: ${h.error.message}` : 'pending';
        return truncate(`${h.request.method} ${h.request.url} → ${outcome}`, max);
      }
      case 'random':
      case 'crypto':
      case 'time': {
        const r = p as RandomPayload | TimePayload;
        return truncate(`${r.source} = ${JSON.stringify(r.value)}`, max);
      }
      case 'fs': {
        const f = p as FsPayload;
        return truncate(`${f.op} ${f.path}${f.dest ? ` → ${f.dest}` : ''}${f.size !== undefined ? ` (${f.size} B)` : ''}${f.error ? ` error: ${f.error}` : ''}`, max);
      }
      case 'step':
      case 'tool': {
        const s = p as StepPayload;
        const tail = s.error ? ` ✗ ${s.error.message}` : s.durationMs !== undefined ? ` (${formatDuration(s.durationMs)})` : '';
        return truncate(`${s.name}${tail}`, max);
      }
      case 'state': {
        const s = p as StatePayload;
        return truncate(`${s.name}: ${s.ops.length} change${s.ops.length === 1 ? '' : 's'}`, max);
      }
      case 'error': {
        const e = p as ErrorPayload;
        return truncate(`${e.origin}: ${e.name}: ${e.message}`, max);
      }
      case 'exit': {
        const x = p as ExitPayload;
        return x.signal ? `signal ${x.signal}` : `code ${String(x.code)}`;
      }
    }
  } catch {
    // A payload of an unexpected shape: show it raw below.
  }
  return truncate(JSON.stringify(p), max);
}
