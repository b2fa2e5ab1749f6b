/**
 * The prompt of the AI path: what the model is told (system) and what it gets about the failed run (user). Every
 * string that goes in passes the prompt masker (aiMask.ts); the assembled user message is masked once more as a
 * whole, so a secret that slipped through one section (an event body, a source literal, an error message) is
 * caught anyway. Sizes are bounded so one call fits Groq's per-minute token limits of the free tier.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Failure, RootCause } from '../../shared/afe/types.js';
import type { Body, HttpPayload, LlmPayload, TraceEvent } from '../../shared/trace/types.js';
import { maskUrl } from '../../shared/trace/redact.js';
import { AI_LIMITS } from './aiSchema.js';
import type { EditableFile } from './aiEdits.js';
import type { PromptMasker } from './aiMask.js';

/** What the AI path is given about a failed run. */
export interface AiSuggestInput {
  failure: Failure;
  rootCause?: RootCause;
  /** The user's files the model may edit (the script and its local imports), with their current text. */
  files: { path: string; text: string }[];
  /** The recorded event the root-cause search settled on (LLM call, HTTP/tool result, error…). */
  decisiveEvent?: TraceEvent;
  /** The run's working folder: file paths are shown relative to it. */
  runCwd: string;
  /** The raw error stack, when the caller has it: its user frames are listed and excerpted too. */
  stack?: string;
}

export const PROMPT_LIMITS = {
  /** Full texts of small files, all files together (bytes of masked text). */
  fullFilesBytes: 24_000,
  /** Lines shown on each side of a user frame's line. */
  excerptRadius: 20,
  excerptFrames: 5,
  lineChars: 400,
  eventChars: 6_000,
  messageChars: 1_500,
  userChars: 60_000,
} as const;

export interface AiPrompt {
  system: string;
  user: string;
  /** The files offered for editing, with the names the prompt shows them under. */
  files: EditableFile[];
}

export const SYSTEM_PROMPT = `You fix failed runs of JavaScript/TypeScript LLM agents for AgentTrace, a time-travel debugger.
You get the failure AgentTrace detected, its evidence, the decisive recorded event, excerpts of the user's code and
the files you may edit. Secrets in the input were replaced by *** : copy *** unchanged when it is inside text you
quote, and never write a key yourself.
Answer with ONE JSON object and nothing else:
{"explanation": "2-4 sentences: the root cause, naming the file:line and the recorded step",
 "candidates": [{"strategy": "code_patch" | "config_change" | "prompt_change" | "retry_policy",
   "title": "imperative, under 80 characters",
   "rationale": "1-2 sentences: why this fixes the failure",
   "edits": [{"path": "a path exactly as written after FILE", "search": "exact lines copied from that file", "replace": "the new text for those lines"}]}]}
Rules:
- At most ${AI_LIMITS.candidates} candidates, best first; each must fix the failure on its own. Fewer is better than weak ones.
- search is copied byte for byte from the FILE text (indentation included, no line numbers) and occurs exactly once in
  the file: add an unchanged neighbouring line when needed. replace is the full new text of those lines.
- Edit only the files listed under "Files you may edit". Keep edits minimal; do not reformat or rename anything else.
- code_patch: fix the code (parse or validate defensively, handle the missing field, guard the loop).
  config_change: model name, max_tokens, timeout, maxRetries where the client or call is configured.
  prompt_change: the instructions or response_format (e.g. {type: 'json_object'}) of the failing LLM call.
  retry_policy: retry the failing call with backoff that honours retry-after.
- The patched files must stay valid JavaScript/TypeScript. Do not add dependencies.
- When only the user can fix it (invalid key, exhausted quota, no access to the model), return "candidates": [] and
  say what to do in explanation.`;

/** Builds the masked prompt for one failure. */
export function buildAiPrompt(input: AiSuggestInput, mask: PromptMasker): AiPrompt {
  const shownOf = (p: string): string => shownPath(p, input.runCwd);
  const files: EditableFile[] = input.files.map((f) => ({ path: f.path, shown: shownOf(f.path), text: f.text }));
  const masked = new Map(files.map((f) => [f, mask(f.text.replace(/\r\n/g, '\n'))]));
  const byPath = (p: string): EditableFile | undefined => files.find((f) => path.resolve(input.runCwd, f.path) === path.resolve(input.runCwd, p));
  const frames = userFrames(input);
  const out: string[] = [];

  const { failure: f, rootCause: rc } = input;
  out.push('# Failure', `class: ${f.class}`, `summary: ${f.summary}`);
  if (f.error) out.push(`error: ${f.error.name}: ${clip(f.error.message, 1_000)}`);
  if (f.seq !== undefined) out.push(`surfaced at step #${f.seq}`);
  if (f.status !== undefined) out.push(`provider status: ${f.status}${f.providerCode ? ` (${f.providerCode})` : ''}`);

  if (rc) {
    out.push('', '# Root cause found by AgentTrace', `status: ${rc.status === 'confirmed' ? 'confirmed by replay' : rc.status}`);
    if (rc.seq !== undefined) out.push(`decisive step: #${rc.seq}`);
    out.push(`cause: ${rc.cause}`);
    for (const t of rc.tries.slice(0, 4)) out.push(`- replay with step #${t.seq} corrected (${t.correction}): ${t.outcome}`);
  }

  if (f.evidence.length) {
    out.push('', '# Evidence (most direct first)');
    for (const e of f.evidence.slice(0, 10)) out.push(`- [${e.kind}]${e.seq !== undefined ? ` step #${e.seq}` : ''} ${e.label}${e.detail ? ` — ${clip(e.detail, 500)}` : ''}`);
  }

  if (frames.length) {
    out.push('', '# Stack (user frames, innermost first)');
    for (const fr of frames) out.push(`at ${fr.functionName || '<anonymous>'} (${shownOf(fr.file)}:${fr.line}:${fr.column})`);
  }

  if (input.decisiveEvent) out.push('', ...renderEvent(input.decisiveEvent));

  const excerpts = frames.slice(0, PROMPT_LIMITS.excerptFrames).flatMap((fr) => {
    const file = byPath(fr.file);
    return file ? [excerpt(masked.get(file) ?? '', fr.line, `${file.shown}:${fr.line} (${fr.functionName || '<anonymous>'})`)] : [];
  });
  if (excerpts.length) out.push('', '# Source excerpts (line numbers are not part of the file)', ...excerpts);

  out.push('', '# Files you may edit');
  let budget = PROMPT_LIMITS.fullFilesBytes;
  const framed = new Set(frames.map((fr) => byPath(fr.file)).filter((x): x is EditableFile => !!x));
  for (const file of [...framed, ...files.filter((x) => !framed.has(x))]) {
    const text = masked.get(file) ?? '';
    const size = Buffer.byteLength(text);
    if (size <= budget) {
      budget -= size;
      const fence = fenceFor(text);
      out.push(`FILE ${file.shown}`, `${fence}${langOf(file.shown)}`, text.replace(/\n?$/, ''), fence);
    } else {
      out.push(`FILE ${file.shown} (${Math.ceil(size / 1024)} KB, too large to show in full: copy search text from its excerpts, without line numbers)`);
    }
  }

  const user = mask(clip(out.join('\n'), PROMPT_LIMITS.userChars));
  return { system: SYSTEM_PROMPT, user, files };
}

/** A path relative to the run's folder when inside it (what the user reads in their editor), else absolute. */
export function shownPath(p: string, runCwd: string): string {
  const abs = path.resolve(runCwd, p);
  const rel = path.relative(runCwd, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

interface Frame {
  file: string;
  line: number;
  column: number;
  functionName: string;
}

/** The failure's user frames (its own, its evidence's, then the stack's), deduplicated, without node_modules/node:. */
function userFrames(input: AiSuggestInput): Frame[] {
  const all: Frame[] = [];
  if (input.failure.userFrame) all.push(input.failure.userFrame);
  for (const e of input.failure.evidence) if (e.frame) all.push(e.frame);
  const stack = input.stack ?? (input.decisiveEvent?.kind === 'error' ? (input.decisiveEvent as TraceEvent<'error'>).payload.stack : undefined);
  for (const line of (stack ?? '').split('\n')) {
    const m = /^\s*at (?:async )?(?:(.*?) \()?(.+?):(\d+):(\d+)\)?\s*$/.exec(line);
    if (m) all.push({ functionName: m[1] ?? '', file: m[2], line: Number(m[3]), column: Number(m[4]) });
  }
  const seen = new Set<string>();
  const out: Frame[] = [];
  for (const fr of all) {
    const file = fr.file.startsWith('file://') ? fileURLToPath(fr.file) : fr.file;
    if (file.startsWith('node:') || file.includes('node_modules') || !path.isAbsolute(file)) continue;
    const key = `${file}:${fr.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...fr, file });
  }
  return out;
}

function excerpt(text: string, line: number, title: string): string {
  const lines = text.split('\n');
  const from = Math.max(1, line - PROMPT_LIMITS.excerptRadius);
  const to = Math.min(lines.length, line + PROMPT_LIMITS.excerptRadius);
  const width = String(to).length;
  const body: string[] = [];
  for (let n = from; n <= to; n++) body.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${clip(lines[n - 1] ?? '', PROMPT_LIMITS.lineChars)}`);
  return [`## ${title}`, ...body].join('\n');
}

function renderEvent(ev: TraceEvent): string[] {
  const head = `# Decisive event: step #${ev.seq} (${ev.kind})`;
  const lines: string[] = [];
  if (ev.kind === 'llm') {
    const p = ev.payload as LlmPayload;
    lines.push(`provider: ${p.provider}${p.model ? `, model: ${p.model}` : ''}, stream: ${p.stream}`);
    lines.push(...httpLines(p));
    const msgs = Array.isArray(p.messages) ? p.messages : [];
    if (msgs.length) lines.push(`request messages (last ${Math.min(8, msgs.length)} of ${msgs.length}):`);
    for (const m of msgs.slice(-8)) {
      const o = m && typeof m === 'object' && !Array.isArray(m) ? m : {};
      const content = typeof o.content === 'string' ? o.content : JSON.stringify(o.content ?? null);
      lines.push(`  [${typeof o.role === 'string' ? o.role : '?'}] ${clip(content, PROMPT_LIMITS.messageChars)}`);
    }
    if (p.reply) {
      lines.push(`reply (${p.reply.role}): ${clip(p.reply.content, 3_000)}`);
      for (const t of p.reply.toolCalls ?? []) lines.push(`  tool call ${t.name}(${clip(t.arguments, 1_000)})`);
    }
    if (p.finishReason) lines.push(`finish_reason: ${p.finishReason}`);
    if (p.usage) lines.push(`usage: ${p.usage.promptTokens} prompt + ${p.usage.completionTokens} completion tokens`);
  } else if (ev.kind === 'http') {
    lines.push(...httpLines(ev.payload as HttpPayload));
  } else if (ev.kind === 'error') {
    const p = (ev as TraceEvent<'error'>).payload;
    lines.push(`${p.origin}: ${p.name}: ${clip(p.message, 1_000)}`);
  } else {
    lines.push(clip(JSON.stringify(ev.payload), 2_000));
  }
  return [head, clip(lines.join('\n'), PROMPT_LIMITS.eventChars)];
}

/** Request line, status, the headers that explain an error, and the response body; request headers never. */
function httpLines(p: HttpPayload): string[] {
  const out = [`request: ${p.request.method} ${maskUrl(p.request.url)}`];
  if (p.request.body && 'text' in p.request.body && !('messages' in p)) out.push(`request body: ${clip(p.request.body.text, 1_500)}`);
  if (p.error) out.push(`network error: ${p.error.name}${p.error.code ? ` ${p.error.code}` : ''}: ${clip(p.error.message, 300)}`);
  const r = p.response;
  if (r) {
    out.push(`response: ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`);
    const keep = Object.entries(r.headers).filter(([k]) => /^(content-type|retry-after(-ms)?|x-ratelimit-.*|x-should-retry)$/i.test(k));
    if (keep.length) out.push(`response headers: ${keep.map(([k, v]) => `${k}: ${v}`).join('; ')}`);
    const body = bodyText(r.body);
    // An LLM reply body is shown as `reply` instead, unless it is an error body.
    if (body && (!('reply' in p) || r.status >= 400 || !(p as LlmPayload).reply)) out.push(`response body: ${clip(body, 3_000)}`);
  }
  return out;
}

function bodyText(b: Body | undefined): string | undefined {
  if (!b) return undefined;
  return 'text' in b ? b.text : `(${b.encoding} body of ${b.size} bytes, not shown)`;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}… [${s.length - max} more chars]` : s;
}

/** A backtick fence longer than any backtick run in the text (the text may contain markdown). */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function langOf(shown: string): string {
  const ext = path.extname(shown).slice(1);
  return /^[mc]?[jt]sx?$/.test(ext) ? (ext.includes('t') ? 'ts' : 'js') : '';
}

