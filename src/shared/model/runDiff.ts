/**
 * Run diff: aligns the steps of two runs (a trace and its branch, or any two runs of one script) and reports the
 * first divergence, changed LLM replies, tool and HTTP results, and token, cost, duration and exit deltas.
 * Pure: the CLI and the workbench pass events and summaries in.
 */
import type { HttpPayload, LlmPayload, StepPayload, TraceEvent } from '../trace/types.js';
import { jsonEqual } from '../trace/stateDiff.js';
import type { Json } from '../trace/types.js';

export interface RunSide {
  id: string;
  events: TraceEvent[];
  status: string;
  exitCode: number | null;
  tokens: number;
  costUsd: number;
  durationMs: number | null;
}

export interface DiffOptions {
  /**
   * Event kinds left out of the comparison. Two separate recordings of one script always differ in their clock and
   * random values (LLM clients draw them too), so the CLI ignores `random`, `time` and `crypto` for unrelated runs.
   */
  ignoreKinds?: readonly string[];
}

/** Value kinds that differ between any two separate recordings (see DiffOptions.ignoreKinds). */
export const VALUE_KINDS: readonly string[] = ['random', 'time', 'crypto'];

/**
 * Indexes into the two runs' event arrays (not seqs; ignored kinds are never aligned); a missing side means the step
 * exists in one run only.
 */
export type Alignment = { a?: number; b?: number; same: boolean };

export interface ChangedValue {
  /** Seqs in run A and run B. */
  seqA: number;
  seqB: number;
  kind: string;
  label: string;
  before: Json;
  after: Json;
}

export interface RunDiff {
  a: string;
  b: string;
  /**
   * First aligned position where the runs differ, with the seq on each side (undefined: identical). `fields` names
   * the payload fields that differ when the same step changed (timing and headers are never compared).
   */
  firstDivergence?: { seqA?: number; seqB?: number; kind: string; reason: string; fields?: string[] };
  aligned: Alignment[];
  changedReplies: ChangedValue[];
  changedResults: ChangedValue[];
  onlyInA: number;
  onlyInB: number;
  /** Kinds left out of the comparison (DiffOptions.ignoreKinds). */
  ignoredKinds: string[];
  delta: { tokens: number; costUsd: number; durationMs: number | null; steps: number };
  status: { a: string; b: string; exitA: number | null; exitB: number | null };
}

/** Above this many events per side, alignment after the first divergence is positional, not LCS. */
const LCS_LIMIT = 4000;

/** A coarse identity of an event: what makes two events "the same step" even if their content changed. */
export function stepKey(e: TraceEvent): string {
  switch (e.kind) {
    case 'llm':
      return `llm:${(e.payload as LlmPayload).model ?? ''}`;
    case 'http': {
      const r = (e.payload as HttpPayload).request;
      return `http:${r.method} ${r.url.split('?')[0]}`;
    }
    case 'step':
    case 'tool':
      return `${e.kind}:${(e.payload as StepPayload).name}`;
    case 'console':
      return `console:${(e.payload as { stream: string }).stream}`;
    case 'random':
    case 'time':
    case 'crypto':
    case 'state':
      return `${e.kind}:${(e.payload as { source?: string; name?: string }).source ?? (e.payload as { name?: string }).name ?? ''}`;
    default:
      return e.kind;
  }
}

/** The content compared for "same": payload without timing fields. */
function content(e: TraceEvent): Json {
  const p = { ...(e.payload as unknown as Record<string, Json>) };
  delete p.durationMs;
  delete p.ttfbMs;
  delete p.startedAtMs;
  // Who consumed a value (the agent or a client library) is not what the value was.
  delete p.lib;
  if (p.response && typeof p.response === 'object' && !Array.isArray(p.response)) {
    const r = { ...(p.response as Record<string, Json>) };
    delete r.headers;
    if (Array.isArray(r.chunks)) r.chunks = (r.chunks as { data: string }[]).map((c) => c.data).join('');
    p.response = r;
  }
  if (p.request && typeof p.request === 'object' && !Array.isArray(p.request)) {
    const r = { ...(p.request as Record<string, Json>) };
    delete r.headers;
    p.request = r;
  }
  return p as Json;
}

export function diffRuns(A: RunSide, B: RunSide, opts: DiffOptions = {}): RunDiff {
  const ignored = new Set(opts.ignoreKinds ?? []);
  // Positions (into A.events / B.events) of the events compared; alignment works on these, results map back.
  const ia = positions(A.events, ignored);
  const ib = positions(B.events, ignored);
  const a = ia.map((k) => A.events[k]);
  const b = ib.map((k) => B.events[k]);
  const local: Alignment[] = [];
  let i = 0;
  // Deterministic prefix: runs of one script agree seq by seq until something changes.
  while (i < a.length && i < b.length && stepKey(a[i]) === stepKey(b[i]) && jsonEqual(content(a[i]), content(b[i]))) {
    local.push({ a: i, b: i, same: true });
    i++;
  }
  let firstDivergence: RunDiff['firstDivergence'];
  if (i < a.length || i < b.length) {
    firstDivergence = divergenceAt(a[i], b[i]);
    local.push(...alignRest(a.slice(i), b.slice(i), i));
  }
  const aligned: Alignment[] = local.map((x) => ({ a: x.a === undefined ? undefined : ia[x.a], b: x.b === undefined ? undefined : ib[x.b], same: x.same }));

  const changedReplies: ChangedValue[] = [];
  const changedResults: ChangedValue[] = [];
  for (const al of aligned) {
    if (al.same || al.a === undefined || al.b === undefined) continue;
    const ea = A.events[al.a];
    const eb = B.events[al.b];
    if (ea.kind === 'llm') {
      const ra = (ea.payload as LlmPayload).reply;
      const rb = (eb.payload as LlmPayload).reply;
      if (!jsonEqual((ra ?? null) as Json, (rb ?? null) as Json)) {
        changedReplies.push({ seqA: ea.seq, seqB: eb.seq, kind: 'llm', label: stepKey(ea), before: (ra ?? null) as unknown as Json, after: (rb ?? null) as unknown as Json });
      }
    } else if (ea.kind === 'tool' || ea.kind === 'step') {
      const oa = (ea.payload as StepPayload).output ?? null;
      const ob = (eb.payload as StepPayload).output ?? null;
      if (!jsonEqual(oa, ob)) changedResults.push({ seqA: ea.seq, seqB: eb.seq, kind: ea.kind, label: stepKey(ea), before: oa, after: ob });
    } else if (ea.kind === 'http') {
      const ca = content(ea) as Record<string, Json>;
      const cb = content(eb) as Record<string, Json>;
      if (!jsonEqual(ca.response ?? null, cb.response ?? null)) {
        changedResults.push({ seqA: ea.seq, seqB: eb.seq, kind: 'http', label: stepKey(ea), before: ca.response ?? null, after: cb.response ?? null });
      }
    }
  }
  return {
    a: A.id,
    b: B.id,
    firstDivergence,
    aligned,
    changedReplies,
    changedResults,
    onlyInA: aligned.filter((x) => x.b === undefined).length,
    onlyInB: aligned.filter((x) => x.a === undefined).length,
    ignoredKinds: [...ignored],
    delta: {
      tokens: B.tokens - A.tokens,
      costUsd: B.costUsd - A.costUsd,
      durationMs: A.durationMs !== null && B.durationMs !== null ? B.durationMs - A.durationMs : null,
      steps: B.events.length - A.events.length,
    },
    status: { a: A.status, b: B.status, exitA: A.exitCode, exitB: B.exitCode },
  };
}

function positions(events: TraceEvent[], ignored: Set<string>): number[] {
  const out: number[] = [];
  for (let k = 0; k < events.length; k++) if (!ignored.has(events[k].kind)) out.push(k);
  return out;
}

/** What differs at the first differing position: a missing side, another step, or fields of the same step. */
function divergenceAt(ea: TraceEvent | undefined, eb: TraceEvent | undefined): NonNullable<RunDiff['firstDivergence']> {
  const base = { seqA: ea?.seq, seqB: eb?.seq, kind: (ea ?? eb)!.kind };
  if (!ea) return { ...base, reason: 'run A ended' };
  if (!eb) return { ...base, reason: 'run B ended' };
  if (stepKey(ea) !== stepKey(eb)) return { ...base, reason: `different step (${stepKey(ea)} vs ${stepKey(eb)})` };
  const ca = content(ea) as Record<string, Json>;
  const cb = content(eb) as Record<string, Json>;
  const fields = [...new Set([...Object.keys(ca), ...Object.keys(cb)])].filter((k) => !jsonEqual(ca[k] ?? null, cb[k] ?? null)).sort();
  return { ...base, reason: `${ea.kind} ${changeWord(ea.kind, fields)}`, fields };
}

/** "request changed" when what was sent differs (its reply then differs as a consequence), else what came back. */
function changeWord(kind: string, fields: string[]): string {
  if (kind === 'llm' || kind === 'http') {
    if (fields.some((f) => f === 'request' || f === 'messages' || f === 'model')) return 'request changed';
    if (fields.some((f) => f === 'reply' || f === 'response' || f === 'error' || f === 'usage' || f === 'finishReason')) return kind === 'llm' ? 'reply changed' : 'response changed';
  }
  if ((kind === 'step' || kind === 'tool') && fields.includes('output')) return 'output changed';
  if (kind === 'random' || kind === 'time' || kind === 'crypto') return 'value changed';
  return 'changed';
}

/** Aligns the rest of both runs by their step keys (LCS), offset by the common prefix length. */
function alignRest(a: TraceEvent[], b: TraceEvent[], offset: number): Alignment[] {
  const out: Alignment[] = [];
  if (a.length > LCS_LIMIT || b.length > LCS_LIMIT) {
    for (let k = 0; k < Math.max(a.length, b.length); k++) {
      const same = k < a.length && k < b.length && stepKey(a[k]) === stepKey(b[k]) && jsonEqual(content(a[k]), content(b[k]));
      out.push({ a: k < a.length ? offset + k : undefined, b: k < b.length ? offset + k : undefined, same });
    }
    return out;
  }
  const ka = a.map(stepKey);
  const kb = b.map(stepKey);
  const n = a.length;
  const m = b.length;
  // dp[i][j] = LCS length of a[i..], b[j..] (flat array).
  const dp = new Uint32Array((n + 1) * (m + 1));
  for (let x = n - 1; x >= 0; x--) {
    for (let y = m - 1; y >= 0; y--) {
      dp[x * (m + 1) + y] = ka[x] === kb[y] ? dp[(x + 1) * (m + 1) + y + 1] + 1 : Math.max(dp[(x + 1) * (m + 1) + y], dp[x * (m + 1) + y + 1]);
    }
  }
  let x = 0;
  let y = 0;
  while (x < n && y < m) {
    if (ka[x] === kb[y]) {
      out.push({ a: offset + x, b: offset + y, same: jsonEqual(content(a[x]), content(b[y])) });
      x++;
      y++;
    } else if (dp[(x + 1) * (m + 1) + y] >= dp[x * (m + 1) + y + 1]) out.push({ a: offset + x++, same: false });
    else out.push({ b: offset + y++, same: false });
  }
  while (x < n) out.push({ a: offset + x++, same: false });
  while (y < m) out.push({ b: offset + y++, same: false });
  return out;
}
