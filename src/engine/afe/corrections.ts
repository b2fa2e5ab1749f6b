/**
 * Corrections for counterfactual replay (DESIGN §1b): for a failure and a suspected event, the corrected value that
 * tests it — an edit payload that `normalizeOverride` (src/shared/trace/overrides.ts) accepts for that event's kind —
 * and one line saying what was changed. Root cause forks the run at the event with it and replays offline: a clean
 * exit confirms the step. Pure and table-driven per failure class; null when no sensible correction exists.
 */
import { extractJson } from '../../shared/afe/jsonExtract.js';
import type { Failure, FailureClass } from '../../shared/afe/types.js';
import type { Body, HttpPayload, Json, LlmPayload, LlmReply, TraceEvent } from '../../shared/trace/types.js';

export interface CorrectionContext {
  /** The same request (same fingerprint) as recorded in other runs of the script, most relevant first. */
  otherEvents?: TraceEvent[];
  /** This run's events (those before the suspected one are searched for the last successful LLM reply). */
  runEvents?: TraceEvent[];
  /** The script and its local imports: what the failing code expects (schema_mismatch, missing_context, loop). */
  files?: { path: string; text: string }[];
  /** The text of a body stored as a blob (inline bodies are read directly). */
  bodyText?: (b: Body) => string | undefined;
}

export interface Correction {
  /** The edit payload for the event (`{content}` for an LLM reply, `{status, body}` for an HTTP result). */
  payload: Record<string, unknown>;
  /** One line: "reply content → valid JSON extracted from it". */
  description: string;
}

type Rule = (failure: Failure, event: TraceEvent, ctx: CorrectionContext) => Correction | null;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function bodyOf(ev: TraceEvent, ctx: CorrectionContext): string | undefined {
  const b = (ev.payload as HttpPayload).response?.body;
  if (!b) return undefined;
  return 'text' in b ? b.text : ctx.bodyText?.(b);
}

const ok = (ev: TraceEvent): boolean => {
  const p = ev.payload as HttpPayload;
  return !p.error && !!p.response && p.response.status >= 200 && p.response.status < 300;
};

/** The reply of a successful LLM event. */
function okReply(ev: TraceEvent): LlmReply | undefined {
  return ev.kind === 'llm' && ok(ev) ? (ev.payload as LlmPayload).reply : undefined;
}

/** An LLM reply as the `{content, toolCalls?}` edit payload. */
function replyPayload(r: LlmReply): Record<string, unknown> {
  const out: Record<string, unknown> = { content: r.content };
  if (r.toolCalls?.length) out.toolCalls = r.toolCalls.map((t) => (t.id ? { id: t.id, name: t.name, arguments: t.arguments } : { name: t.name, arguments: t.arguments }));
  return out;
}

/** The JSON value of an event's result: an LLM reply's content, or an HTTP body. */
function jsonOf(ev: TraceEvent, ctx: CorrectionContext): { value: unknown } | undefined {
  const text = ev.kind === 'llm' ? (ev.payload as LlmPayload).reply?.content : bodyOf(ev, ctx);
  if (text === undefined) return undefined;
  const j = extractJson(text);
  return j === null ? undefined : { value: JSON.parse(j) as unknown };
}

/** The edit that puts `value` (JSON) in place of the event's result. */
function withJson(ev: TraceEvent, value: unknown): Record<string, unknown> | null {
  if (ev.kind === 'llm') return { content: JSON.stringify(value) };
  if (ev.kind === 'http') {
    const status = (ev.payload as HttpPayload).response?.status;
    return { status: status && status >= 200 && status < 300 ? status : 200, body: value as Json };
  }
  return null;
}

/** Provider errors: the call succeeds, answered like the same request elsewhere, or like the run's last reply. */
const succeed: Rule = (_f, ev, ctx) => {
  if (ev.kind === 'llm') {
    for (const o of ctx.otherEvents ?? []) {
      const r = okReply(o);
      if (r) return { payload: replyPayload(r), description: `error → 200 with the reply recorded for the same request in another run (${o.seq})` };
    }
    const prior = (ctx.runEvents ?? []).filter((e) => e.seq < ev.seq).reverse();
    for (const e of prior) {
      const r = okReply(e);
      if (r) return { payload: replyPayload(r), description: `error → 200 with the run's last successful reply (step ${e.seq})` };
    }
    return { payload: { content: 'OK.' }, description: 'error → 200 with a short neutral reply ("OK.")' };
  }
  if (ev.kind === 'http') {
    for (const o of ctx.otherEvents ?? []) {
      const text = ok(o) ? bodyOf(o, ctx) : undefined;
      if (text === undefined) continue;
      const j = extractJson(text);
      return { payload: { status: (o.payload as HttpPayload).response?.status ?? 200, body: j === null ? text : (JSON.parse(j) as Json) }, description: 'error → the result recorded for the same request in another run' };
    }
  }
  return null;
};

/** bad_json: the reply (or body, or tool-call arguments) reduced to the JSON it contains. */
const validJson: Rule = (_f, ev, ctx) => {
  if (ev.kind === 'llm') {
    const reply = (ev.payload as LlmPayload).reply;
    if (!reply) return null;
    const j = extractJson(reply.content);
    if (j !== null && j !== reply.content) return { payload: { ...replyPayload(reply), content: j }, description: 'reply content → the valid JSON extracted from it' };
    const calls = reply.toolCalls ?? [];
    const fixed = calls.map((c) => ({ ...c, arguments: extractJson(c.arguments) ?? c.arguments }));
    if (fixed.some((c, i) => c.arguments !== calls[i].arguments)) return { payload: replyPayload({ ...reply, toolCalls: fixed }), description: 'tool-call arguments → the valid JSON extracted from them' };
    return null;
  }
  if (ev.kind === 'http') {
    const text = bodyOf(ev, ctx);
    const j = text === undefined ? null : extractJson(text);
    if (j === null || j === text) return null;
    return { payload: withJson(ev, JSON.parse(j)) as Record<string, unknown>, description: 'response body → the valid JSON extracted from it' };
  }
  return null;
};

/** The failing source line: the frame's recorded line, else read from the files. */
function sourceLine(f: Failure, ctx: CorrectionContext): string | undefined {
  const fr = f.userFrame;
  if (!fr) return undefined;
  if (fr.sourceLine) return fr.sourceLine;
  const file = ctx.files?.find((x) => x.path === fr.file || fr.file.endsWith(x.path));
  return file?.text.split(/\r?\n/)[fr.line - 1];
}

/** Property chains of a line (`data.weather.temp`, `res['x'].y`) as segment lists, with what follows each. */
function chains(line: string): { segs: string[]; after: string; before: string }[] {
  const out: { segs: string[]; after: string; before: string }[] = [];
  const re = /[A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*|\??\.?\[\s*(?:'[^']*'|"[^"]*"|\d+)\s*\])+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const segs = [...m[0].matchAll(/[A-Za-z_$][\w$]*|'([^']*)'|"([^"]*)"|(\d+)/g)].map((s) => s[1] ?? s[2] ?? s[3] ?? s[0]);
    out.push({ segs, after: line.slice(m.index + m[0].length), before: line.slice(0, m.index) });
  }
  return out;
}

function resolve(root: unknown, path: string[]): unknown {
  let v = root;
  for (const k of path) {
    if (Array.isArray(v) && /^\d+$/.test(k)) v = v[Number(k)];
    else if (isObj(v)) v = v[k];
    else return undefined;
  }
  return v;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const ARRAY_METHODS = /^(map|forEach|filter|reduce|some|every|find|findIndex|flatMap|join|sort)$/;
const STRING_METHODS = /^(toUpperCase|toLowerCase|trim|trimStart|trimEnd|split|startsWith|endsWith|replace|replaceAll|padStart|padEnd|match)$/;
const NUMBER_METHODS = /^(toFixed|toPrecision)$/;

/** The value `v` reshaped for `method`, or undefined when it already fits or cannot be made to. */
function reshape(v: unknown, method: string): unknown {
  if (ARRAY_METHODS.test(method)) return Array.isArray(v) ? undefined : v === undefined || v === null ? [] : [v];
  if (STRING_METHODS.test(method)) return typeof v === 'string' ? undefined : Array.isArray(v) ? v.join(', ') : isObj(v) ? JSON.stringify(v) : String(v);
  if (NUMBER_METHODS.test(method)) return typeof v === 'number' || !Number.isFinite(Number(v)) ? undefined : Number(v);
  return undefined;
}

/** schema_mismatch: the field the failing line calls an array/string/number method on, given that shape. */
const reshapeJson: Rule = (f, ev, ctx) => {
  const got = jsonOf(ev, ctx);
  if (!got) return null;
  const fromMsg = /^(.+)\.([A-Za-z_$][\w$]*) is not a function$/.exec(f.error?.message ?? '');
  const candidates: { segs: string[]; method: string }[] = [];
  if (fromMsg) candidates.push({ segs: chains(fromMsg[1])[0]?.segs ?? [], method: fromMsg[2] });
  const line = sourceLine(f, ctx);
  for (const c of line ? chains(line) : []) {
    if (c.segs.length >= 2 && /^\s*\(/.test(c.after)) candidates.push({ segs: c.segs.slice(0, -1), method: c.segs[c.segs.length - 1] });
  }
  for (const { segs, method } of candidates) {
    if (!fromMsg || method === fromMsg[2]) {
      for (let k = 1; k < segs.length; k++) {
        const path = segs.slice(k);
        const v = resolve(got.value, path);
        if (v === undefined) continue;
        const nv = reshape(v, method);
        if (nv === undefined) break;
        const root = clone(got.value);
        const parent = resolve(root, path.slice(0, -1)) as Obj;
        parent[path[path.length - 1]] = nv as Json;
        const payload = withJson(ev, root);
        const shape = Array.isArray(nv) ? 'an array' : typeof nv === 'string' ? 'a string' : 'a number';
        return payload && { payload, description: `${path.join('.')} → ${shape}, as .${method}() at the failing line expects` };
      }
    }
  }
  return null;
};

/** A placeholder for a missing value, from how the line uses it. */
function placeholder(rest: string[], after: string, before: string): Json {
  if (rest.length) return { [rest[0]]: placeholder(rest.slice(1), after, before) };
  const call = /^\s*\??\.\s*([A-Za-z_$][\w$]*)\s*\(/.exec(after);
  if (call) {
    if (ARRAY_METHODS.test(call[1])) return [];
    if (NUMBER_METHODS.test(call[1])) return 0;
    return '';
  }
  if (/^\s*[-*/%]|^\s*\+\s*[\d(]|^\s*[<>]=?/.test(after) || /[-*/%]\s*$|[\d)]\s*\+\s*$/.test(before)) return 0;
  return 'unknown';
}

/** missing_context: the result with the property the code read through added (from another run, else a placeholder). */
const addMissing: Rule = (f, ev, ctx) => {
  if (ev.kind !== 'http' && ev.kind !== 'llm') return null;
  const prop = f.error?.name === 'TypeError' ? /\(reading '([^']+)'\)/.exec(f.error.message)?.[1] : undefined;
  const line = sourceLine(f, ctx);
  const got = jsonOf(ev, ctx);
  if (!prop || !line || !got || !isObj(got.value)) return null;
  for (const c of chains(line)) {
    const j = c.segs.indexOf(prop) - 1;
    if (j < 1) continue;
    const tail = c.segs.slice(j + 1);
    for (let k = 1; k <= j; k++) {
      const container = resolve(got.value, c.segs.slice(k, j));
      if (!isObj(container) || container[c.segs[j]] !== undefined) continue;
      const path = c.segs.slice(k, j + 1);
      let value: Json | undefined;
      let from = 'a placeholder';
      for (const o of ctx.otherEvents ?? []) {
        const other = ok(o) ? jsonOf(o, ctx) : undefined;
        const v = other && resolve(other.value, path);
        if (v !== undefined) {
          value = v as Json;
          from = 'the value recorded for the same request in another run';
          break;
        }
      }
      value ??= placeholder(tail, c.after, c.before);
      const root = clone(got.value) as Obj;
      (resolve(root, path.slice(0, -1)) as Obj)[path[path.length - 1]] = value;
      const payload = withJson(ev, root);
      return payload && { payload, description: `${path.join('.')} added to the ${ev.kind === 'llm' ? 'reply' : 'response body'} (${from}: ${JSON.stringify(value)})` };
    }
  }
  return null;
};

/** loop: the repeated reply replaced by one that meets the loop's exit condition read from the source. */
const endLoop: Rule = (_f, ev, ctx) => {
  if (ev.kind !== 'llm') return null;
  const text = (ctx.files ?? []).map((x) => x.text).join('\n');
  const subject = '(?:content|text|answer|reply|output)\\b[\\w$?.()]*';
  const sentinel =
    new RegExp(`${subject}\\.(?:includes|startsWith|endsWith)\\(\\s*(['"\`])([^'"\`]+)\\1\\s*\\)`).exec(text)?.[2] ??
    new RegExp(`${subject}\\s*===?\\s*(['"\`])([^'"\`]+)\\1`).exec(text)?.[2] ??
    new RegExp(`(['"\`])([^'"\`]+)\\1\\s*===?\\s*[\\w$.?]*${subject}`).exec(text)?.[2];
  if (sentinel) return { payload: { content: sentinel }, description: `repeated reply → "${sentinel}", which the loop's exit condition looks for` };
  if (/tool_calls|toolCalls|finish_reason|stop_reason|tool_use/.test(text)) {
    const prev = (ev.payload as LlmPayload).reply?.content;
    return { payload: { content: prev?.trim() ? prev : 'Done.' }, description: 'repeated reply → a final answer without tool calls, which ends the loop' };
  }
  return null;
};

const RULES: Record<FailureClass, Rule | undefined> = {
  rate_limit: succeed,
  server_error: succeed,
  quota: succeed,
  auth: succeed,
  model_not_found: succeed,
  context_overflow: succeed,
  timeout: succeed,
  network: succeed,
  bad_json: validJson,
  schema_mismatch: reshapeJson,
  missing_context: addMissing,
  loop: endLoop,
  tool_error: undefined,
  code_bug: undefined,
  unknown: undefined,
};

/**
 * The corrected value that tests `event` as the decisive step of `failure`, or null. `tool`/`step` annotations are
 * never corrected (they are not inputs: correct the LLM or HTTP event under them).
 */
export function correctionFor(failure: Failure, event: TraceEvent, ctx: CorrectionContext = {}): Correction | null {
  if (event.kind !== 'llm' && event.kind !== 'http') return null;
  const rule = RULES[failure.class];
  return rule ? rule(failure, event, ctx) : null;
}
