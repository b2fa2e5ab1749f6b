/**
 * One-line summaries of trace events, shared by the CLI (`agenttrace show`) and the workbench timeline, so both say
 * the same thing about a step: model and the first words of the reply, method and URL, the value drawn... Pure.
 */
import type {
  ConsolePayload,
  ErrorPayload,
  EventKind,
  ExitPayload,
  FsPayload,
  HttpPayload,
  LlmPayload,
  RandomPayload,
  StatePayload,
  StepPayload,
  TimePayload,
  TraceEvent,
} from '../trace/types.js';

/** Every event kind, in the order the CLI help and the timeline filter list them. */
export const EVENT_KINDS: readonly EventKind[] = ['llm', 'http', 'random', 'time', 'crypto', 'fs', 'console', 'step', 'tool', 'state', 'error', 'exit'];

/** What the timeline shows for one event: no payload, just enough to scan a 100k-event run. */
export interface EventSummary {
  seq: number;
  kind: EventKind;
  ts: number;
  /** The one-line summary (same text as the CLI's `show`). */
  title: string;
  /** A second, quieter line: provider and token split, HTTP status, console stream, state paths... */
  detail?: string;
  durationMs?: number;
  /** Calls: milliseconds until the first response byte (the waterfall's waiting part). */
  ttfbMs?: number;
  /** Streamed calls: arrival times of the chunks (ms since the request), at most MAX_CHUNK_TIMES, evenly sampled. */
  chunkTimes?: number[];
  /** Streamed calls: how many chunks arrived (chunkTimes may be a sample of them). */
  chunkCount?: number;
  /** The event records a failure: an error, an HTTP status >= 400, a network error, a failed step or fs call. */
  error?: boolean;
  /** Values of one source (`random:Math.random`, `time:Date.now`): runs of these fold into one timeline group. */
  group?: string;
  /** A value consumed inside a client library (openai, undici...), hidden unless "show library internals" is on. */
  lib?: boolean;
  /** The enclosing step or tool (recorded nesting): the span tree's parent. */
  parentSeq?: number;
}

export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Collapses whitespace to single spaces and cuts to `max` characters with an ellipsis. */
export function truncate(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
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
        const reply = l.reply ? l.reply.content || (l.reply.toolCalls ?? []).map((t) => `${t.name}(${t.arguments})`).join(', ') : l.error ? `error: ${l.error.message}` : l.response ? `HTTP ${l.response.status}` : 'pending';
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

/** The timeline row of an event: the CLI's summary as title, plus duration, a detail line and the error flag. */
export function toEventSummary(ev: TraceEvent, maxTitle = 160): EventSummary {
  const out: EventSummary = { seq: ev.seq, kind: ev.kind, ts: ev.ts, title: summarizeEvent(ev, maxTitle) };
  const source = (ev.payload as { source?: unknown } | null)?.source;
  if ((ev.kind === 'random' || ev.kind === 'time' || ev.kind === 'crypto') && typeof source === 'string') {
    // Library values fold apart from the agent's own values of the same source.
    const lib = (ev.payload as { lib?: unknown }).lib === true;
    out.group = `${ev.kind}:${source}${lib ? ' (library)' : ''}`;
    if (lib) out.lib = true;
  }
  if (ev.parentSeq !== undefined) out.parentSeq = ev.parentSeq;
  try {
    const facts = factsOf(ev);
    if (facts.detail) out.detail = truncate(facts.detail, 120);
    if (facts.durationMs !== undefined && Number.isFinite(facts.durationMs)) out.durationMs = facts.durationMs;
    if (ev.kind === 'llm' || ev.kind === 'http') {
      const h = ev.payload as HttpPayload;
      if (typeof h.ttfbMs === 'number' && Number.isFinite(h.ttfbMs) && out.durationMs !== undefined) out.ttfbMs = h.ttfbMs;
      const chunks = h.response?.chunks;
      if (Array.isArray(chunks) && chunks.length > 0) {
        const times = chunks.map((c) => c.t).filter((t) => typeof t === 'number' && Number.isFinite(t));
        out.chunkTimes = sampleTimes(times);
        out.chunkCount = times.length;
      }
    }
    if (facts.error) out.error = true;
  } catch {
    // An unexpected payload shape: the title alone (already a JSON fallback) still describes it.
  }
  return out;
}

/** Chunk arrival times kept per row: enough to draw the stream on the waterfall, bounded for 100k-row pages. */
export const MAX_CHUNK_TIMES = 32;

/**
 * Which chunk (1-based, of `total`) the `index`-th of `kept` sampled chunk times is: sampleTimes keeps evenly spaced
 * picks, the first and the last always.
 */
export function chunkOrdinal(index: number, kept: number, total: number): number {
  if (kept >= total || kept < 2) return index + 1;
  return Math.round((index * (total - 1)) / (kept - 1)) + 1;
}

function sampleTimes(ok: number[]): number[] {
  if (ok.length <= MAX_CHUNK_TIMES) return ok;
  // Evenly spaced picks, always keeping the first and the last chunk.
  return Array.from({ length: MAX_CHUNK_TIMES }, (_, i) => ok[Math.round((i * (ok.length - 1)) / (MAX_CHUNK_TIMES - 1))]);
}

interface Facts {
  detail?: string;
  durationMs?: number;
  error?: boolean;
}

function factsOf(ev: TraceEvent): Facts {
  const p = ev.payload as unknown;
  switch (ev.kind) {
    case 'llm': {
      const l = p as LlmPayload;
      const u = l.usage ? `${l.usage.promptTokens} in / ${l.usage.completionTokens} out tokens` : undefined;
      const status = l.response ? `HTTP ${l.response.status}` : undefined;
      return { detail: [status, u, l.finishReason && `finish: ${l.finishReason}`].filter(Boolean).join(' · '), durationMs: l.durationMs, error: httpFailed(l) };
    }
    case 'http': {
      const h = p as HttpPayload;
      return { detail: h.response ? `HTTP ${h.response.status}${h.response.statusText ? ` ${h.response.statusText}` : ''}` : h.error?.code, durationMs: h.durationMs, error: httpFailed(h) };
    }
    case 'fs': {
      const f = p as FsPayload;
      return { detail: `${f.api} API`, error: Boolean(f.error) };
    }
    case 'console':
      return { detail: (p as ConsolePayload).stream };
    case 'step':
    case 'tool': {
      const s = p as StepPayload;
      return { detail: s.error ? `${s.error.name}: ${s.error.message}` : ev.kind, durationMs: s.durationMs, error: Boolean(s.error) };
    }
    case 'state': {
      const s = p as StatePayload;
      return { detail: s.ops.map((o) => [s.name, ...o.path].join('.')).join(', ') };
    }
    case 'error': {
      const e = p as ErrorPayload;
      return { detail: e.stack?.split('\n')[1]?.trim(), error: true };
    }
    case 'exit': {
      const x = p as ExitPayload;
      return { error: Boolean(x.signal) || (x.code !== null && x.code !== 0) };
    }
    default:
      return {};
  }
}

function httpFailed(h: HttpPayload): boolean {
  return Boolean(h.error) || (h.response !== undefined && h.response.status >= 400);
}
