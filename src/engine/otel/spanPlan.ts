/**
 * A run's timeline as span descriptions, before any OpenTelemetry object exists: one root `invoke_agent` span for
 * the run, an `execute_tool` span per SDK tool() annotation, a span per step() annotation, a `chat {model}` span per
 * LLM call and an HTTP client span per plain HTTP call, with errors as status ERROR plus an `exception` event.
 *
 * Times are the recorded wall-clock ones (event ts, a call's issue time and duration), never invented. Nesting:
 * a step/tool or call names its enclosing step in `parentSeq`; calls recorded without it (recordings that predate
 * it) go into the innermost step whose recorded interval contains them, which is exact unless steps ran
 * concurrently. Random values, clock reads, files, console and state deltas are not spans.
 */
import type { ErrorPayload, HttpPayload, LlmPayload, StepPayload, TraceEvent } from '../../shared/trace/types.js';
import type { StoredRun } from '../store/storeTypes.js';
import { llmAttributes, type LlmBodies } from './genAiAttributes.js';

export type AttrValue = string | number | boolean | string[] | number[];
export type Attributes = Record<string, AttrValue>;

export interface SpanEventPlan {
  name: string;
  timeMs: number;
  attributes: Attributes;
}

export interface SpanPlan {
  /** `run` for the root span, else the seq of the event it stands for. */
  key: 'run' | number;
  parentKey?: 'run' | number;
  name: string;
  kind: 'client' | 'internal';
  startMs: number;
  endMs: number;
  attributes: Attributes;
  events: SpanEventPlan[];
  status: { code: 'unset' | 'error'; message?: string };
}

/** What planSpans reads: the run, its timeline (through its lineage for a branch) and the bodies of calls. */
export interface SpanSource {
  run: StoredRun;
  /** The run's events in seq order (a branch: its ancestors' up to the fork, then its own). */
  events: readonly TraceEvent[];
  /** The run that recorded a seq (an ancestor for a branch's inherited steps). */
  ownerOf(seq: number): string;
  /** Decoded request/response bodies of an HTTP or LLM event, when stored as text. */
  bodies(p: HttpPayload): LlmBodies;
}

/** The kinds that become spans. */
export const SPAN_KINDS = ['step', 'tool', 'llm', 'http', 'error', 'exit'] as const;

const ERROR_STATUSES = new Set(['failed', 'crashed', 'diverged']);

function exceptionEvent(timeMs: number, e: { name: string; message: string; stack?: string }): SpanEventPlan {
  const attributes: Attributes = { 'exception.type': e.name, 'exception.message': e.message };
  if (e.stack) attributes['exception.stacktrace'] = e.stack;
  return { name: 'exception', timeMs, attributes };
}

function serverAttributes(url: string): Attributes {
  try {
    const u = new URL(url);
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : undefined;
    return port === undefined ? { 'server.address': u.hostname } : { 'server.address': u.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

/** A provider's error message from an error reply body (`{error: {message}}`, Anthropic's `{error: {message}}`). */
function errorMessage(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const v = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof v.error === 'string' ? v.error : (v.error?.message ?? v.message);
    return typeof m === 'string' ? m.slice(0, 500) : undefined;
  } catch {
    return undefined;
  }
}

/** Status, error.type and exception event of a call (network failure, or an HTTP error status). */
function callOutcome(span: SpanPlan, p: HttpPayload, bodies: LlmBodies): void {
  if (p.error) {
    span.attributes['error.type'] = p.error.code ?? p.error.name;
    span.status = { code: 'error', message: p.error.message };
    span.events.push(exceptionEvent(span.endMs, p.error));
    return;
  }
  const status = p.response?.status;
  if (status !== undefined) span.attributes['http.response.status_code'] = status;
  if (status !== undefined && status >= 400) {
    span.attributes['error.type'] = String(status);
    span.status = { code: 'error', message: errorMessage(bodies.response) ?? `HTTP ${status}${p.response?.statusText ? ` ${p.response.statusText}` : ''}` };
  }
}

export function planSpans(src: SpanSource): SpanPlan[] {
  const { run } = src;
  const events = src.events.filter((e) => (SPAN_KINDS as readonly string[]).includes(e.kind));
  const lastTs = src.events.reduce((m, e) => Math.max(m, e.ts), run.startedAt);
  const runEnd = Math.max(run.endedAt ?? lastTs, lastTs);
  const spans: SpanPlan[] = [];
  const bySeq = new Map<number, SpanPlan>();
  const rootEvents: SpanEventPlan[] = [];
  let failure: ErrorPayload | undefined;
  let exitCode = run.exitCode;

  for (const ev of events) {
    const span = spanOf(ev, src, runEnd);
    if (span) {
      if (src.ownerOf(ev.seq) !== run.id) span.attributes['agenttrace.recorded_in'] = src.ownerOf(ev.seq);
      spans.push(span);
      bySeq.set(ev.seq, span);
    } else if (ev.kind === 'error') {
      const e = ev.payload as ErrorPayload;
      failure ??= e;
      const x = exceptionEvent(ev.ts, e);
      x.attributes['agenttrace.error.origin'] = e.origin;
      rootEvents.push(x);
    } else if (ev.kind === 'exit') {
      exitCode ??= (ev.payload as { code: number | null }).code;
    }
  }

  // Nesting: parentSeq when recorded; otherwise (calls only, and only when the run records no call parents at all)
  // the innermost step whose interval holds the call.
  const callsHaveParents = events.some((e) => (e.kind === 'llm' || e.kind === 'http') && e.parentSeq !== undefined);
  const steps = spans.filter((s) => s.attributes['agenttrace.event.kind'] === 'step' || s.attributes['agenttrace.event.kind'] === 'tool');
  for (const ev of events) {
    const span = bySeq.get(ev.seq);
    if (!span) continue;
    if (ev.parentSeq !== undefined && bySeq.has(ev.parentSeq)) span.parentKey = ev.parentSeq;
    else if ((ev.kind === 'llm' || ev.kind === 'http') && !callsHaveParents) span.parentKey = enclosingStep(span, steps) ?? 'run';
    else span.parentKey = 'run';
  }

  const first = spans.reduce((m, s) => Math.min(m, s.startMs), run.startedAt);
  const last = spans.reduce((m, s) => Math.max(m, s.endMs), runEnd);
  // The agent is the script; a run's own name (a branch's, or `record --name`) is an attribute of the root span.
  const agent = baseName(run.scriptPath);
  const root: SpanPlan = {
    key: 'run',
    name: `invoke_agent ${agent}`,
    kind: 'internal',
    startMs: first,
    endMs: last,
    attributes: rootAttributes(run, agent, exitCode),
    events: rootEvents,
    status: ERROR_STATUSES.has(run.status) ? { code: 'error', message: failure ? `${failure.name}: ${failure.message}` : `run ${run.status}${exitCode !== null ? ` (exit code ${exitCode})` : ''}` } : { code: 'unset' },
  };
  if (failure) root.attributes['error.type'] = failure.name;
  else if (root.status.code === 'error') root.attributes['error.type'] = run.status;
  return [root, ...spans];
}

function enclosingStep(call: SpanPlan, steps: readonly SpanPlan[]): number | undefined {
  let best: SpanPlan | undefined;
  for (const s of steps) {
    if ((s.key as number) > (call.key as number)) break;
    // 1 ms of slack: a step's end is its start plus a duration measured on another clock.
    if (s.startMs <= call.startMs + 1 && call.endMs <= s.endMs + 1) best = s;
  }
  return best?.key as number | undefined;
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

function rootAttributes(run: SpanSource['run'], agent: string, exitCode: number | null): Attributes {
  const a: Attributes = {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': agent,
    'agenttrace.run.id': run.id,
    'agenttrace.run.status': run.status,
    'agenttrace.run.mode': run.mode,
    'agenttrace.run.steps': run.steps,
    'agenttrace.script.path': run.scriptPath,
    'agenttrace.script.sha256': run.scriptSha256,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': run.nodeVersion.replace(/^v/, ''),
  };
  if (run.name !== undefined) a['agenttrace.run.name'] = run.name;
  if (exitCode !== null) a['process.exit.code'] = exitCode;
  if (run.exitSignal) a['agenttrace.run.exit_signal'] = run.exitSignal;
  if (run.parentId !== undefined) a['agenttrace.run.parent_id'] = run.parentId;
  if (run.forkSeq !== undefined) a['agenttrace.run.forked_after_step'] = run.forkSeq;
  return a;
}

function jsonAttr(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function spanOf(ev: TraceEvent, src: SpanSource, runEnd: number): SpanPlan | undefined {
  switch (ev.kind) {
    case 'step':
    case 'tool': {
      const p = ev.payload as StepPayload;
      const span = base(ev, p.name || ev.kind, 'internal', ev.ts, p.durationMs, runEnd);
      if (ev.kind === 'tool') {
        span.name = `execute_tool ${p.name}`;
        Object.assign(span.attributes, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': p.name, 'gen_ai.tool.type': 'function' });
        if (p.input !== undefined) span.attributes['gen_ai.tool.call.arguments'] = jsonAttr(p.input);
        if (p.output !== undefined) span.attributes['gen_ai.tool.call.result'] = jsonAttr(p.output);
      } else {
        span.attributes['agenttrace.step.name'] = p.name;
        if (p.input !== undefined) span.attributes['agenttrace.step.input'] = jsonAttr(p.input);
        if (p.output !== undefined) span.attributes['agenttrace.step.output'] = jsonAttr(p.output);
      }
      if (p.error) {
        span.attributes['error.type'] = p.error.name;
        span.status = { code: 'error', message: p.error.message };
        span.events.push(exceptionEvent(span.endMs, p.error));
      }
      return span;
    }
    case 'llm':
    case 'http': {
      const p = ev.payload as HttpPayload;
      const bodies = src.bodies(p);
      const method = p.request.method.toUpperCase();
      const span = base(ev, method, 'client', p.startedAtMs ?? ev.ts, p.durationMs, runEnd);
      Object.assign(span.attributes, serverAttributes(p.request.url));
      if (ev.kind === 'llm') {
        const lp = ev.payload as LlmPayload;
        Object.assign(span.attributes, llmAttributes(lp, bodies));
        span.name = lp.model ? `chat ${lp.model}` : 'chat';
      } else {
        Object.assign(span.attributes, { 'http.request.method': method, 'url.full': p.request.url });
      }
      callOutcome(span, p, bodies);
      return span;
    }
    default:
      return undefined;
  }
}

function base(ev: TraceEvent, name: string, kind: SpanPlan['kind'], startMs: number, durationMs: number | undefined, runEnd: number): SpanPlan {
  const attributes: Attributes = { 'agenttrace.step': ev.seq, 'agenttrace.event.kind': ev.kind };
  // A step or call the run never finished (it crashed or was killed) ends with the run, and says so.
  if (durationMs === undefined) attributes['agenttrace.incomplete'] = true;
  const endMs = durationMs === undefined ? Math.max(runEnd, startMs) : startMs + durationMs;
  return { key: ev.seq, name, kind, startMs, endMs, attributes, events: [], status: { code: 'unset' } };
}
