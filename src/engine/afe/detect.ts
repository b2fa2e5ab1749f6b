/**
 * Failure detection (DESIGN §1b), the pure core: from a run's metadata and its recorded events to a classified
 * Failure with its evidence chain (error → status → frame → value → event) and the suspects the root-cause search
 * tries first. The class always comes from recorded evidence: HTTP statuses and provider error bodies of calls,
 * network error codes, the error's type together with the user frame it surfaced in and the source line there,
 * tool events with errors, repeated identical requests, the exit code. Messages are only read for the data V8 puts
 * in them (the property that was read, the expression that is not a function, the text JSON.parse choked on).
 */
import type { EvidenceStep, Failure, FailureClass, Suspect, UserFrame } from '../../shared/afe/types.js';
import type { ConsolePayload, ErrorPayload, LlmPayload, RunStatus, StackFrame, StepPayload, TraceEvent } from '../../shared/trace/types.js';
import { callFailure, classOfCall, describeCallFailure, inlineBody, pendingCall, recordedValues, unrecoveredFailures, type BodyReader, type CallFailure } from './callFacts.js';
import { callSummary, displayPath, errorLabel, frameLabel } from './failureText.js';
import { firstUserFrame, isUserFile, parseStack, thrownByJsonParse, toUserFrame, withFiles, type ParsedFrame, type SourceReader } from './stackFrames.js';
import { accessAt, accessFromExpression, missingField, pathSegments, unparsable, wrongShape, type Access, type ValueFinding } from './valueTrace.js';

/** Event kinds detection reads (cheap values — random, time, fs, state — are never needed). */
export const DETECT_KINDS = ['llm', 'http', 'error', 'exit', 'tool', 'step', 'console'] as const;

export interface DetectRunInfo {
  status: RunStatus;
  exitCode: number | null;
  exitSignal: string | null;
  scriptPath: string;
  cwd: string;
  /** The script's source at record time (source lines of frames in the script). */
  scriptSource?: string;
}

export interface DetectInput {
  run: DetectRunInfo;
  /** The run's events in seq order (a branch: its lineage's), at least the DETECT_KINDS. */
  events: readonly TraceEvent[];
  /** Call stacks recorded at steps (keyframes taken at LLM calls): where in user code a failing call was made. */
  stacks?: Readonly<Record<number, readonly StackFrame[]>>;
  /** Source of user files other than the script (its local imports), e.g. read from disk. */
  readSource?: SourceReader;
  /** Reads recorded bodies stored as blobs (inline bodies are read without it). */
  readBody?: BodyReader;
  /** Folder prefixes of AgentTrace's own code, never a user frame. */
  internalPaths?: readonly string[];
}

/** How many identical requests in a row make a loop. */
export const LOOP_MIN = 3;

interface Ctx {
  input: DetectInput;
  read: SourceReader;
  body: BodyReader;
  errorEv?: TraceEvent<'error'>;
  exitEv?: TraceEvent<'exit'>;
  frames: ParsedFrame[];
  userFrame?: UserFrame;
  evidence: EvidenceStep[];
}

/** The failure of a run, or null for a clean run (and for one still running). */
export function detectFailure(input: DetectInput): Failure | null {
  const { run, events } = input;
  if (run.status === 'running' || run.status === 'pending') return null;
  const script = run.scriptPath;
  const read: SourceReader = (file) => (file === script && run.scriptSource !== undefined ? run.scriptSource : input.readSource?.(file));
  const errorEv = findLast(events, 'error');
  const exitEv = findLast(events, 'exit');
  const exitCode = run.exitCode ?? exitEv?.payload.code ?? null;
  const signal = run.exitSignal ?? exitEv?.payload.signal ?? null;
  const failedExit = (exitCode !== null && exitCode !== 0) || !!signal || run.status === 'failed' || run.status === 'crashed';
  const body = input.readBody ?? inlineBody;
  const frames = parseStack(errorEv?.payload.stack);
  const ctx: Ctx = { input, read, body, errorEv, exitEv, frames, evidence: [] };
  const uf = firstUserFrame(frames, input.internalPaths) ?? recordedFrame(errorEv, input.internalPaths);
  if (uf) ctx.userFrame = toUserFrame(uf, read);

  const limit = errorEv?.seq ?? Number.MAX_SAFE_INTEGER;
  const failures = unrecoveredFailures(events, body).filter((f) => f.seq < limit);
  const llmFail = lastUnanswered(events, failures, 'llm', limit);
  if (!errorEv && !failedExit) {
    // A clean exit is a failure only when an LLM call failed for good and the agent swallowed it.
    return llmFail ? fromCall(ctx, llmFail, failures, exitCode, signal) : null;
  }
  addErrorEvidence(ctx, exitCode, signal);
  if (llmFail) return fromCall(ctx, llmFail, failures, exitCode, signal);
  // The client library threw while a call was still waiting for its answer (the abort itself left no record).
  const pending = errorEv && !isUserFile(frames[0]?.file, input.internalPaths) ? pendingCall(events, errorEv.seq, errorEv.ts) : undefined;
  if (pending) return fromCall(ctx, pending, [pending], exitCode, signal);
  const tool = failingTool(events, errorEv);
  if (tool) return fromTool(ctx, tool);
  const httpFail = lastUnanswered(events, failures, 'http', limit);
  if (httpFail && classOfCall(httpFail) !== 'unknown') return fromCall(ctx, httpFail, failures, exitCode, signal);
  const loop = findLoop(events, limit);
  if (loop && !['SyntaxError', 'TypeError', 'ReferenceError'].includes(errorEv?.payload.name ?? '')) return fromLoop(ctx, loop);
  if (errorEv) {
    const value = fromValue(ctx, errorEv);
    if (value) return value;
  }
  return fallback(ctx, httpFail, exitCode, signal);
}

function findLast<K extends 'error' | 'exit'>(events: readonly TraceEvent[], kind: K): TraceEvent<K> | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (events[i].kind === kind) return events[i] as TraceEvent<K>;
  return undefined;
}

/** The innermost own frame the SDK recorded with the error's locals (a stack-less throw still has one). */
function recordedFrame(ev: TraceEvent<'error'> | undefined, internal: readonly string[] | undefined): ParsedFrame | undefined {
  return firstUserFrame(withFiles(ev?.payload.frames ?? []), internal);
}

/** The last failed call of `kind` before `limit`, when no call of that kind succeeded after it. */
function lastUnanswered(events: readonly TraceEvent[], failures: CallFailure[], kind: 'llm' | 'http', limit: number): CallFailure | undefined {
  const last = [...failures].reverse().find((f) => f.kind === kind);
  if (!last) return undefined;
  const later = events.some((e) => e.kind === kind && e.seq > last.seq && e.seq < limit && !callFailure(e) && (e.payload as LlmPayload).response);
  return later ? undefined : last;
}

function addErrorEvidence(ctx: Ctx, exitCode: number | null, signal: string | null): void {
  const e = ctx.errorEv;
  if (e) {
    ctx.evidence.push({ kind: 'error', seq: e.seq, label: errorLabel(e.payload), detail: e.payload.origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception' });
    return;
  }
  const stderr = ctx.input.events
    .filter((ev): ev is TraceEvent<'console'> => ev.kind === 'console' && (ev.payload as ConsolePayload).stream === 'stderr')
    .map((ev) => ev.payload.text.trim())
    .filter(Boolean);
  const label = signal ? `killed by ${signal}` : `exit code ${exitCode ?? '?'} without an uncaught error (the agent handled the error and exited)`;
  ctx.evidence.push({ kind: 'exit', seq: ctx.exitEv?.seq, label, ...(stderr.length ? { detail: `stderr: ${stderr.slice(-3).join(' | ').slice(0, 400)}` } : {}) });
}

function pushFrame(ctx: Ctx, frame: UserFrame | undefined): void {
  if (!frame) return;
  ctx.evidence.push({ kind: 'frame', label: `at ${frameLabel(frame, ctx.input.run.cwd)}`, ...(frame.sourceLine ? { detail: frame.sourceLine } : {}), frame });
}

function where(ctx: Ctx, frame = ctx.userFrame): string {
  return frame ? ` in ${frameLabel(frame, ctx.input.run.cwd)}` : '';
}

function build(ctx: Ctx, cls: FailureClass, summary: string, suspects: Suspect[], seq: number | undefined, extra: Partial<Failure> = {}): Failure {
  const f: Failure = { class: cls, summary, evidence: ctx.evidence, suspects, ...extra };
  if (seq !== undefined) f.seq = seq;
  if (ctx.userFrame && !f.userFrame) f.userFrame = ctx.userFrame;
  if (ctx.errorEv && !f.error) f.error = { name: ctx.errorEv.payload.name, message: ctx.errorEv.payload.message };
  return f;
}

/** A provider or network failure of a call: the class from its status, provider code or network error code. */
function fromCall(ctx: Ctx, f: CallFailure, failures: CallFailure[], exitCode: number | null, signal: string | null): Failure {
  if (ctx.evidence.length === 0 && (ctx.errorEv || exitCode || signal)) addErrorEvidence(ctx, exitCode, signal);
  const cls = classOfCall(f);
  const attempts = failures.filter((x) => x.fingerprint !== undefined && x.fingerprint === f.fingerprint);
  const earlier = attempts.filter((x) => x.seq !== f.seq).reverse();
  ctx.evidence.push({ kind: 'status', seq: f.seq, label: describeCallFailure(f), ...(f.providerMessage || f.netError ? { detail: [f.providerMessage ?? f.netError?.message, f.retryAfter ? `retry-after ${f.retryAfter}` : ''].filter(Boolean).join('; ') } : {}) });
  if (!ctx.userFrame) {
    const stack = ctx.input.stacks?.[f.seq];
    const uf = stack ? firstUserFrame(withFiles(stack), ctx.input.internalPaths) : undefined;
    if (uf) ctx.userFrame = toUserFrame(uf, ctx.read);
  }
  pushFrame(ctx, ctx.userFrame);
  for (const x of earlier) ctx.evidence.push({ kind: 'event', seq: x.seq, label: `earlier attempt of the same request: ${describeCallFailure(x)}` });
  const why = f.pending ? 'never got a response' : f.status !== undefined ? `got ${f.status}${f.providerCode ? ` ${f.providerCode}` : ''}` : `failed with ${f.netError?.code ?? f.netError?.name ?? 'a network error'}`;
  const suspects: Suspect[] = [{ seq: f.seq, kind: f.kind, reason: `the ${f.kind === 'llm' ? 'LLM' : 'HTTP'} call ${why} and its error reached the agent` }];
  for (const x of earlier) suspects.push({ seq: x.seq, kind: x.kind, reason: `an earlier attempt of the same request ${x.status !== undefined ? `got ${x.status}` : 'failed'}` });
  const extra: Partial<Failure> = {};
  if (f.status !== undefined) extra.status = f.status;
  if (f.providerCode) extra.providerCode = f.providerCode;
  else if (f.netError?.code) extra.providerCode = f.netError.code;
  if (!ctx.errorEv && f.netError) extra.error = { name: f.netError.name, message: f.netError.message };
  return build(ctx, cls, callSummary(cls, f, Math.max(1, attempts.length), where(ctx)), suspects, ctx.errorEv?.seq ?? f.seq, extra);
}

/** The tool event whose error surfaced: the same error as the uncaught one, or the last failing tool. */
function failingTool(events: readonly TraceEvent[], errorEv: TraceEvent<'error'> | undefined): TraceEvent<'tool'> | undefined {
  const tools = events.filter((e): e is TraceEvent<'tool'> => e.kind === 'tool' && !!(e.payload as StepPayload).error && (!errorEv || e.seq < errorEv.seq));
  if (!errorEv) return tools[tools.length - 1];
  const e = errorEv.payload;
  return [...tools].reverse().find((t) => t.payload.error?.name === e.name && t.payload.error?.message === e.message);
}

function fromTool(ctx: Ctx, tool: TraceEvent<'tool'>): Failure {
  const p = tool.payload;
  const err = p.error as NonNullable<StepPayload['error']>;
  const inner = firstUserFrame(parseStack(err.stack), ctx.input.internalPaths);
  const frame = inner ? toUserFrame(inner, ctx.read) : ctx.userFrame;
  ctx.evidence.push({ kind: 'event', seq: tool.seq, label: `tool "${p.name}" threw ${errorLabel(err)}`, detail: `input ${JSON.stringify(p.input ?? null).slice(0, 200)}` });
  pushFrame(ctx, frame);
  const suspects: Suspect[] = [{ seq: tool.seq, kind: 'tool', reason: `the tool "${p.name}" threw; its result never reached the agent` }];
  const source = argsSource(ctx.input.events, tool);
  if (source !== undefined) {
    ctx.evidence.push({ kind: 'value', seq: source, label: `the tool's input comes from the tool call the LLM made at step ${source}` });
    suspects.push({ seq: source, kind: 'llm', reason: `its tool call chose the input ${JSON.stringify(p.input ?? null).slice(0, 80)}` });
  }
  const summary = `Tool error: the tool "${p.name}" threw ${errorLabel(err)} at step ${tool.seq}${where(ctx, frame)}.`;
  return build(ctx, 'tool_error', summary, suspects, ctx.errorEv?.seq ?? tool.seq, { ...(frame ? { userFrame: frame } : {}), error: { name: err.name, message: err.message } });
}

/** The LLM reply whose tool-call arguments carry the tool's input (the latest before the tool ran). */
function argsSource(events: readonly TraceEvent[], tool: TraceEvent<'tool'>): number | undefined {
  const strings = JSON.stringify(tool.payload.input ?? null).match(/"(?:[^"\\]|\\.){3,}"/g) ?? [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.seq >= tool.seq || e.kind !== 'llm') continue;
    const calls = (e.payload as LlmPayload).reply?.toolCalls ?? [];
    if (calls.some((c) => strings.some((s) => c.arguments.includes(s.slice(1, -1))))) return e.seq;
  }
  return undefined;
}

interface Loop {
  seqs: number[];
  how: 'request' | 'toolCall';
}

/** The same successful LLM request (or the same tool call in the replies) repeated LOOP_MIN+ times, up to the end. */
export function findLoop(events: readonly TraceEvent[], limit = Number.MAX_SAFE_INTEGER): Loop | undefined {
  const llm = events.filter((e) => e.kind === 'llm' && e.seq < limit && !callFailure(e));
  if (llm.length < LOOP_MIN) return undefined;
  const last = llm[llm.length - 1];
  if (last.fingerprint) {
    const seqs = llm.filter((e) => e.fingerprint === last.fingerprint).map((e) => e.seq);
    if (seqs.length >= LOOP_MIN) return { seqs, how: 'request' };
  }
  const callKey = (e: TraceEvent): string => JSON.stringify(((e.payload as LlmPayload).reply?.toolCalls ?? []).map((c) => [c.name, c.arguments]));
  const key = callKey(last);
  if (key === '[]') return undefined;
  const run: number[] = [];
  for (let i = llm.length - 1; i >= 0 && callKey(llm[i]) === key; i--) run.unshift(llm[i].seq);
  return run.length >= LOOP_MIN ? { seqs: run, how: 'toolCall' } : undefined;
}

function fromLoop(ctx: Ctx, loop: Loop): Failure {
  const what = loop.how === 'request' ? 'the same LLM request' : 'LLM replies with the same tool call';
  ctx.evidence.push({ kind: 'value', label: `${what} ${loop.seqs.length} times: steps ${loop.seqs.join(', ')}` });
  pushFrame(ctx, ctx.userFrame);
  for (const s of loop.seqs.slice(0, 3)) ctx.evidence.push({ kind: 'event', seq: s, label: `llm call at step ${s}` });
  const [first, second, ...rest] = loop.seqs;
  const suspects: Suspect[] = [
    { seq: second, kind: 'llm', reason: 'the first repetition: from here on the agent made no progress' },
    { seq: first, kind: 'llm', reason: 'the reply that started the loop' },
    ...rest.map((s) => ({ seq: s, kind: 'llm' as const, reason: 'a repetition' })),
  ];
  const end = ctx.errorEv ? ` until ${errorLabel(ctx.errorEv.payload)}` : '';
  return build(ctx, 'loop', `Loop: ${what} was sent ${loop.seqs.length} times (steps ${loop.seqs.slice(0, 5).join(', ')}${loop.seqs.length > 5 ? ', …' : ''})${end}${where(ctx)}.`, suspects, ctx.errorEv?.seq ?? ctx.exitEv?.seq);
}

/** bad_json / missing_context / schema_mismatch when a recorded value explains the error, else code_bug in user code. */
function fromValue(ctx: Ctx, errorEv: TraceEvent<'error'>): Failure | null {
  const e: ErrorPayload = errorEv.payload;
  const values = recordedValues(ctx.input.events, errorEv.seq, ctx.body);
  const locals = e.frames;
  const uf = ctx.userFrame;
  const source = uf ? ctx.read(uf.file) : undefined;
  let finding: ValueFinding | null = null;
  if (e.name === 'SyntaxError' && (thrownByJsonParse(ctx.frames) || /\bjson\b/i.test(ctx.frames[0]?.functionName ?? ''))) {
    finding = unparsable(e.message, values, locals);
  } else if (e.name === 'TypeError' && uf) {
    const access = accessOf(e.message, uf, source);
    if (access) finding = access.missing ? missingField(access.access, values, locals, source) : wrongShape(access.access, values, locals, source);
  }
  if (finding) return fromFinding(ctx, finding);
  if (!uf || !ctx.frames.length || ctx.frames[0].file !== uf.file) return null;
  pushFrame(ctx, uf);
  const summary = `Code bug: ${errorLabel(e)}${where(ctx)}; no recorded input (LLM reply, HTTP or tool result) explains it.`;
  return build(ctx, 'code_bug', summary, [], errorEv.seq);
}

/** The failing access of a TypeError, from V8's message and the source line at the frame. */
function accessOf(message: string, uf: UserFrame, source: string | undefined): { access: Access; missing: boolean } | undefined {
  const line = source?.split(/\r?\n/)[uf.line - 1];
  const read = /Cannot read propert(?:y|ies) of (?:undefined|null) \(reading '([^']+)'\)/.exec(message);
  if (read && line) {
    const a = accessAt(line, uf.column, read[1]);
    return a ? { access: a, missing: true } : undefined;
  }
  const destr = /Cannot destructure property '([^']+)' of '([^']+)' as it is (?:undefined|null)/.exec(message);
  if (destr) {
    const segs = pathSegments(destr[2]);
    return segs ? { access: { holder: segs, holderText: destr[2], computed: false, key: destr[1] }, missing: true } : undefined;
  }
  const notFn = /^(.+?) is not a function/.exec(message);
  if (notFn) {
    const a = accessFromExpression(notFn[1]);
    return a ? { access: a, missing: false } : undefined;
  }
  const notIter = /^(.+?) is not iterable/.exec(message);
  if (notIter) {
    const segs = pathSegments(notIter[1]);
    return segs ? { access: { holder: segs, holderText: notIter[1], computed: false, key: '[Symbol.iterator]' }, missing: false } : undefined;
  }
  return undefined;
}

function fromFinding(ctx: Ctx, f: ValueFinding): Failure {
  pushFrame(ctx, ctx.userFrame);
  const top = f.matches[0];
  ctx.evidence.push({ kind: 'value', seq: top.seq, label: f.what, ...(f.excerpt ? { detail: f.excerpt } : {}) });
  const ev = ctx.input.events.find((e) => e.seq === top.seq);
  ctx.evidence.push({ kind: 'event', seq: top.seq, label: ev ? eventLabel(ev, ctx.body) : `${top.kind} event ${top.seq}` });
  const how = { snippet: 'its text is the one JSON.parse quoted', locals: "it is the value of the failing frame's variable", binding: 'the variable is bound to recorded data and this is the latest such result', latest: 'the latest recorded result that fits' }[f.how] ?? f.how;
  const suspects: Suspect[] = [];
  for (const m of f.matches) {
    if (suspects.some((s) => s.seq === m.seq)) continue;
    suspects.push({ seq: m.seq, kind: m.kind, reason: suspects.length === 0 ? `${f.what} (${how})` : `another recorded value that fits` });
  }
  const at = where(ctx);
  const origin = `${top.kind === 'llm' ? 'the LLM reply' : top.kind === 'http' ? 'the HTTP result' : `the ${top.kind} result`} of step ${top.seq}`;
  const summary =
    f.cls === 'bad_json'
      ? `Bad JSON: JSON.parse failed${at} on ${origin}: ${f.what}.`
      : f.cls === 'schema_mismatch'
        ? `Schema mismatch: ${f.what}${at}; the value comes from ${origin}.`
        : `Missing context: ${f.what}${at}; the value comes from ${origin}.`;
  return build(ctx, f.cls, summary, suspects, ctx.errorEv?.seq);
}

const oneLine = (text: string, max: number): string => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
};

/** A short label of an llm/http/tool event for evidence lines. */
function eventLabel(ev: TraceEvent, body: BodyReader): string {
  if (ev.kind === 'llm' || ev.kind === 'http') {
    const p = ev.payload as LlmPayload;
    const status = p.response?.status;
    const text = ev.kind === 'llm' ? (p.reply?.content || JSON.stringify(p.reply?.toolCalls ?? [])) : body(p.response?.body);
    const url = p.request?.url ?? '';
    return `${ev.kind} ${p.request?.method ?? ''} ${url.replace(/^[a-z]+:\/\/[^/]*/i, '')}${p.model ? ` (${p.model})` : ''} → ${status ?? '?'}${text ? `: ${oneLine(text, 120)}` : ''}`;
  }
  const p = ev.payload as StepPayload;
  return `${ev.kind} "${p.name}" → ${oneLine(JSON.stringify(p.output ?? null), 120)}`;
}

function fallback(ctx: Ctx, httpFail: CallFailure | undefined, exitCode: number | null, signal: string | null): Failure {
  pushFrame(ctx, ctx.userFrame);
  const suspects: Suspect[] = httpFail ? [{ seq: httpFail.seq, kind: httpFail.kind, reason: `the last failed call (${describeCallFailure(httpFail)})` }] : [];
  if (httpFail) ctx.evidence.push({ kind: 'status', seq: httpFail.seq, label: describeCallFailure(httpFail) });
  const e = ctx.errorEv?.payload;
  const how = e ? errorLabel(e) : signal ? `killed by ${signal}` : `exit code ${exitCode ?? '?'}`;
  const inLib = e && ctx.frames[0]?.file ? ` (thrown in ${displayPath(ctx.frames[0].file, ctx.input.run.cwd)})` : '';
  const summary = `Run failed: ${how}${inLib}${where(ctx)}; no recorded evidence points to a known cause.`;
  return build(ctx, 'unknown', summary, suspects, ctx.errorEv?.seq ?? ctx.exitEv?.seq, httpFail?.status ? { status: httpFail.status } : {});
}
