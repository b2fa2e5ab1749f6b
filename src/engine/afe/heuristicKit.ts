/**
 * What every heuristic rule shares: the input and output types, the parsed files, the failing frame and its file,
 * the LLM SDK calls and clients of the files, and the builder that turns edits into a checked patch (every patched
 * text must parse, an empty edit is no candidate). Pure.
 */
import type { Failure, FixStrategy } from '../../shared/afe/types.js';
import type { LlmPayload, TraceEvent } from '../../shared/trace/types.js';
import { applyEdits, fileForFrame, findNodes, parseSource, parsesCleanly, textOf, ts, type Src, type TextEdit } from './sourceEdit.js';
import type { TS } from './sourceEdit.js';

export interface HeuristicInput {
  failure: Failure;
  /** The script and its local imports, with their real text. */
  files: { path: string; text: string }[];
  /** The decisive step, when root cause found it. */
  rootSeq?: number;
  /** The decisive event. */
  event?: TraceEvent;
}

/** A source-level patch: full texts before and after, per file. */
export interface HeuristicPatch {
  strategy: FixStrategy;
  title: string;
  rationale: string;
  files: { path: string; before: string; after: string }[];
  /** How precisely the patch targets this failure (0..1). */
  specificity: number;
  /** How little the patch can change behaviour beyond the fix (0..1). */
  safety: number;
}

/** A fix only the developer can make: `needsYou` is the exact step. */
export interface HeuristicNeedsYou {
  needsYou: string;
  title: string;
  strategy: FixStrategy;
}

export type HeuristicCandidate = HeuristicPatch | HeuristicNeedsYou;

/** The parsed view of the input every rule reads. */
export interface Ctx {
  input: HeuristicInput;
  srcs: Src[];
  /** The file of the failing user frame (else the script, the first file). */
  frameSrc?: Src;
  /** 1-based line and column of the failing user frame. */
  line?: number;
  col?: number;
  /** The provider of the decisive LLM call, when it is one. */
  provider?: string;
  llm?: LlmPayload;
}

export function makeCtx(input: HeuristicInput): Ctx {
  const srcs = input.files.map((f) => parseSource(f.path, f.text));
  const frame = input.failure.userFrame;
  const frameSrc = fileForFrame(srcs, frame?.file) ?? (frame ? undefined : srcs[0]);
  const ev = input.event;
  const llm = ev?.kind === 'llm' ? (ev.payload as LlmPayload) : undefined;
  return { input, srcs, frameSrc, line: frame && frameSrc ? frame.line : undefined, col: frame?.column, provider: llm?.provider, llm };
}

/**
 * A patch from edits per file, or null when nothing changes or a patched text does not parse (a candidate that
 * breaks the file is never offered).
 */
export function makePatch(
  edits: Map<Src, TextEdit[]>,
  meta: { strategy: FixStrategy; title: string; rationale: string; specificity: number; safety: number },
): HeuristicPatch | null {
  const files: HeuristicPatch['files'] = [];
  for (const [src, list] of edits) {
    if (!list.length) continue;
    const after = applyEdits(src.text, dedupe(list));
    if (after === src.text) continue;
    if (!parsesCleanly(src.path, after)) return null;
    files.push({ path: src.path, before: src.text, after });
  }
  return files.length ? { ...meta, files } : null;
}

/** The same edit twice (two rules touching one node) is applied once. */
function dedupe(edits: TextEdit[]): TextEdit[] {
  const seen = new Set<string>();
  return edits.filter((e) => {
    const k = `${e.start}:${e.end}:${e.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Collects edits per file. */
export class EditSet {
  readonly map = new Map<Src, TextEdit[]>();
  add(src: Src, e: TextEdit | null | undefined): void {
    if (!e) return;
    const list = this.map.get(src) ?? [];
    list.push(e);
    this.map.set(src, list);
  }
  get size(): number {
    return [...this.map.values()].reduce((n, l) => n + l.length, 0);
  }
}

const SDK_MODULES: Record<string, string> = { openai: 'openai', 'groq-sdk': 'groq', '@anthropic-ai/sdk': 'anthropic' };

/** A client construction `new OpenAI(...)` / `new Groq(...)` and the provider its module speaks for. */
export interface ClientNew {
  src: Src;
  node: TS.NewExpression;
  provider: string;
}

/** Local names bound to an LLM SDK's client class, per file (ESM imports and CommonJS requires). */
function sdkBindings(src: Src): Map<string, string> {
  const out = new Map<string, string>();
  for (const st of src.sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const provider = SDK_MODULES[st.moduleSpecifier.text];
      const clause = st.importClause;
      if (!provider || !clause) continue;
      if (clause.name) out.set(clause.name.text, provider);
      const nb = clause.namedBindings;
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) out.set(el.name.text, provider);
      if (nb && ts.isNamespaceImport(nb)) out.set(nb.name.text, provider);
    }
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        const req = init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' && init.arguments[0];
        const provider = req && ts.isStringLiteral(req) ? SDK_MODULES[req.text] : undefined;
        if (!provider) continue;
        if (ts.isIdentifier(d.name)) out.set(d.name.text, provider);
        else if (ts.isObjectBindingPattern(d.name)) for (const el of d.name.elements) if (ts.isIdentifier(el.name)) out.set(el.name.text, provider);
      }
    }
  }
  return out;
}

/** Every SDK client constructed in the files (`new OpenAI(...)`, `new groq.Groq()`, `new Anthropic()`). */
export function clientNews(ctx: Ctx): ClientNew[] {
  const out: ClientNew[] = [];
  for (const src of ctx.srcs) {
    const names = sdkBindings(src);
    for (const n of findNodes(src.sf, ts.isNewExpression)) {
      const e = n.expression;
      const root = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) ? e.expression.text : undefined;
      const provider = root ? names.get(root) : undefined;
      if (provider) out.push({ src, node: n, provider });
    }
  }
  return out;
}

/** The clients to change for a failure of `provider` (all when the provider is unknown or no client matches). */
export function clientsFor(ctx: Ctx): ClientNew[] {
  const all = clientNews(ctx).filter((c) => c.provider !== 'anthropic' || ctx.provider === 'anthropic');
  // An OpenAI client pointed at Groq's base URL speaks for Groq: match by provider only when some client does.
  const matching = all.filter((c) => c.provider === ctx.provider);
  return matching.length ? matching : all;
}

/** An LLM SDK request: `x.chat.completions.create(...)` or `x.messages.create(...)`. */
export function isLlmCreate(n: TS.Node): n is TS.CallExpression {
  if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression) || n.expression.name.text !== 'create') return false;
  const recv = n.expression.expression;
  return ts.isPropertyAccessExpression(recv) && (recv.name.text === 'completions' || recv.name.text === 'messages');
}

/** The LLM request made at the failing line, else the one nearest before it in its file, else the first one. */
export function llmCallNear(ctx: Ctx): { src: Src; call: TS.CallExpression } | undefined {
  const src = ctx.frameSrc;
  if (src && ctx.line) {
    const calls = findNodes(src.sf, isLlmCreate);
    const lineStart = src.sf.getPositionOfLineAndCharacter(Math.min(ctx.line, src.sf.getLineStarts().length) - 1, 0);
    const line = ctx.line;
    const at = calls.filter((c) => lineOfNode(src, c).from <= line && lineOfNode(src, c).to >= line);
    if (at.length) return { src, call: at[at.length - 1] };
    const before = calls.filter((c) => c.getEnd() <= lineStart);
    if (before.length) return { src, call: before[before.length - 1] };
  }
  for (const s of ctx.srcs) {
    const c = findNodes(s.sf, isLlmCreate)[0];
    if (c) return { src: s, call: c };
  }
  return undefined;
}

function lineOfNode(src: Src, n: TS.Node): { from: number; to: number } {
  return { from: src.sf.getLineAndCharacterOfPosition(n.getStart(src.sf)).line + 1, to: src.sf.getLineAndCharacterOfPosition(n.getEnd()).line + 1 };
}

/** The request body object literal of an LLM call (its first argument), when written inline. */
export function requestObject(call: TS.CallExpression): TS.ObjectLiteralExpression | undefined {
  const a = call.arguments[0];
  return a && ts.isObjectLiteralExpression(a) ? a : undefined;
}

/** `file:line` for messages, relative to nothing: the path as given. */
export function where(src: Src | undefined, line: number | undefined): string {
  return src ? `${src.path}${line ? `:${line}` : ''}` : 'the script';
}

/** The env var an SDK client reads its key from (`apiKey: process.env.X`), when written so. */
export function apiKeyEnv(ctx: Ctx): string | undefined {
  for (const c of clientsFor(ctx)) {
    const opts = c.node.arguments?.[0];
    if (!opts || !ts.isObjectLiteralExpression(opts)) continue;
    for (const p of opts.properties) {
      if (!ts.isPropertyAssignment(p) || !p.name || !ts.isIdentifier(p.name) || p.name.text !== 'apiKey') continue;
      const m = /process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[['"]([A-Za-z_][A-Za-z0-9_]*)['"]\])/.exec(textOf(c.src, p.initializer));
      if (m) return m[1] ?? m[2];
    }
  }
  return undefined;
}
