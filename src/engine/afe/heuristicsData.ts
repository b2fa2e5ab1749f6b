/**
 * Heuristic fixes for bad values reaching user code: a tolerant JSON parse and JSON mode (bad_json), normalizing a
 * value to the shape the code uses and saying so in the prompt (schema_mismatch), optional chaining with a fallback
 * at the failing property read (missing_context, code_bug). Each edit is located by parsing, at the failing frame.
 */
import { EditSet, llmCallNear, makePatch, requestObject, where, type Ctx, type HeuristicCandidate } from './heuristicKit.js';
import { AS_ARRAY, PARSE_JSON_REPLY } from './helperCode.js';
import { misspeltName } from './heuristicsNames.js';
import { addProperty, appendHelper, columnDistance, declaresFunction, findNodes, nodesAtLine, propertyOf, quoted, textOf, ts, type Src, type TextEdit } from './sourceEdit.js';
import type { TS } from './sourceEdit.js';

/** The node of `pred` on the failing line nearest the frame's column (V8 points at the property or method name). */
function atFrame<T extends TS.Node>(ctx: Ctx, pred: (n: TS.Node) => n is T, pos: (n: T) => number): T | undefined {
  const src = ctx.frameSrc;
  if (!src || !ctx.line) return undefined;
  const nodes = nodesAtLine(src, ctx.line, pred);
  if (!ctx.col) return nodes[0];
  return [...nodes].sort((a, b) => columnDistance(src, pos(a), ctx.line!, ctx.col!) - columnDistance(src, pos(b), ctx.line!, ctx.col!))[0];
}

const isJsonParse = (n: TS.Node): n is TS.CallExpression => ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression) && n.expression.expression.text === 'JSON' && n.expression.name.text === 'parse';

const isStringy = (n: TS.Node): n is TS.StringLiteral | TS.NoSubstitutionTemplateLiteral | TS.TemplateExpression => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n);

/** The messages array literal of an LLM request: inline, or a `const messages = [...]` of the same file. */
function messagesArray(src: Src, obj: TS.ObjectLiteralExpression): TS.ArrayLiteralExpression | undefined {
  const p = propertyOf(obj, 'messages');
  let init: TS.Expression | undefined = p && ts.isPropertyAssignment(p) ? p.initializer : undefined;
  let name = p && ts.isShorthandPropertyAssignment(p) ? p.name.text : undefined;
  if (init && ts.isIdentifier(init)) name = init.text;
  if (name) {
    const decl = findNodes(src.sf, ts.isVariableDeclaration).find((d) => ts.isIdentifier(d.name) && d.name.text === name && d.initializer);
    init = decl?.initializer;
  }
  return init && ts.isArrayLiteralExpression(init) ? init : undefined;
}

/** The prompt text literal to extend: the system message's content, else the first message's. */
function promptLiteral(src: Src, obj: TS.ObjectLiteralExpression): TS.StringLiteral | TS.NoSubstitutionTemplateLiteral | TS.TemplateExpression | undefined {
  const arr = messagesArray(src, obj);
  if (!arr) return undefined;
  const msgs = arr.elements.filter(ts.isObjectLiteralExpression);
  const roleOf = (m: TS.ObjectLiteralExpression): string | undefined => {
    const r = propertyOf(m, 'role');
    return r && ts.isPropertyAssignment(r) && ts.isStringLiteral(r.initializer) ? r.initializer.text : undefined;
  };
  const contentOf = (m: TS.ObjectLiteralExpression): TS.Expression | undefined => {
    const c = propertyOf(m, 'content');
    return c && ts.isPropertyAssignment(c) ? c.initializer : undefined;
  };
  const ordered = [...msgs.filter((m) => roleOf(m) === 'system'), ...msgs.filter((m) => roleOf(m) !== 'system')];
  for (const m of ordered) {
    const c = contentOf(m);
    if (c && isStringy(c)) return c;
  }
  return undefined;
}

/** An edit appending ` sentence` to a string or template literal (escaped for its quote). */
function appendToLiteral(src: Src, lit: TS.StringLiteral | TS.NoSubstitutionTemplateLiteral | TS.TemplateExpression, sentence: string): TextEdit | null {
  if (textOf(src, lit).includes(sentence.replace(/"/g, '')) || textOf(src, lit).includes(sentence)) return null;
  const end = lit.getEnd() - 1;
  const q = src.text[end];
  const esc = q === '`' ? sentence.replace(/[`\\]|\$\{/g, (m) => `\\${m}`) : sentence.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`);
  return { start: end, end, text: ` ${esc}` };
}

export function badJson(ctx: Ctx): HeuristicCandidate[] {
  const out: HeuristicCandidate[] = [];
  const src = ctx.frameSrc;
  let call = atFrame(ctx, isJsonParse, (n) => (n.expression as TS.PropertyAccessExpression).name.getStart(src?.sf));
  if (!call && src && !ctx.input.failure.userFrame) {
    const all = findNodes(src.sf, isJsonParse);
    if (all.length === 1) call = all[0];
  }
  if (src && call && call.arguments.length === 1) {
    const set = new EditSet();
    set.add(src, { start: call.expression.getStart(src.sf), end: call.expression.getEnd(), text: PARSE_JSON_REPLY.name });
    if (!declaresFunction(src, PARSE_JSON_REPLY.name)) set.add(src, appendHelper(src, src.isTs ? PARSE_JSON_REPLY.ts : PARSE_JSON_REPLY.js));
    const p = makePatch(set.map, {
      strategy: 'code_patch',
      title: 'Parse the model\'s reply tolerantly (fences, text around the JSON)',
      rationale: `JSON.parse at ${where(src, ctx.line)} failed on the model's reply. parseJsonReply() strips \`\`\` fences and takes the outermost JSON object or array before giving up.`,
      specificity: 0.85,
      safety: 0.85,
    });
    if (p) out.push(p);
  }
  const jm = jsonMode(ctx);
  if (jm) out.push(jm);
  return out;
}

/** `response_format: { type: 'json_object' }` on the chat call feeding the parse (and "JSON" in its prompt). */
function jsonMode(ctx: Ctx): HeuristicCandidate | null {
  const near = llmCallNear(ctx);
  const obj = near && requestObject(near.call);
  if (!near || !obj || !/\.chat\.completions\.create$/.test(textOf(near.src, near.call.expression))) return null;
  if (propertyOf(obj, 'response_format')) return null;
  const stream = propertyOf(obj, 'stream');
  if (stream && ts.isPropertyAssignment(stream) && stream.initializer.kind !== ts.SyntaxKind.FalseKeyword) return null;
  const { src } = near;
  const set = new EditSet();
  set.add(src, addProperty(src, obj, `response_format: { type: ${quoted(src.style, 'json_object')} }`));
  // JSON mode requires the word "JSON" in the messages (OpenAI and Groq reject the request otherwise).
  const arr = messagesArray(src, obj);
  if (!arr || !/json/i.test(textOf(src, arr))) {
    const lit = promptLiteral(src, obj);
    if (!lit) return null;
    set.add(src, appendToLiteral(src, lit, 'Reply with a JSON object only.'));
  }
  return makePatch(set.map, {
    strategy: 'prompt_change',
    title: 'Ask the model for JSON mode (response_format: json_object)',
    rationale: 'In JSON mode the provider guarantees the reply is one valid JSON object, so the parse cannot fail on prose or fences.',
    specificity: 0.7,
    safety: 0.7,
  });
}

const ARRAY_METHODS = new Set(['map', 'forEach', 'filter', 'reduce', 'some', 'every', 'find', 'findIndex', 'flatMap', 'join', 'sort', 'entries']);
const STRING_METHODS = new Set(['toUpperCase', 'toLowerCase', 'trim', 'trimStart', 'trimEnd', 'split', 'startsWith', 'endsWith', 'replace', 'replaceAll', 'padStart', 'padEnd', 'match', 'charAt', 'localeCompare']);
const NUMBER_METHODS = new Set(['toFixed', 'toPrecision']);

/** A chain of plain property reads (`data.items`, `res.body['x']`): safe to evaluate twice. */
function isSimpleChain(n: TS.Expression): boolean {
  if (ts.isIdentifier(n) || n.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (ts.isPropertyAccessExpression(n)) return isSimpleChain(n.expression);
  if (ts.isElementAccessExpression(n)) return ts.isStringLiteral(n.argumentExpression) || ts.isNumericLiteral(n.argumentExpression) ? isSimpleChain(n.expression) : false;
  if (ts.isParenthesizedExpression(n)) return isSimpleChain(n.expression);
  return false;
}

export function schemaMismatch(ctx: Ctx): HeuristicCandidate[] {
  const out: HeuristicCandidate[] = [];
  const src = ctx.frameSrc;
  const isMethodCall = (n: TS.Node): n is TS.PropertyAccessExpression => ts.isPropertyAccessExpression(n) && ts.isCallExpression(n.parent) && n.parent.expression === n;
  const msg = ctx.input.failure.error?.message ?? '';
  const method = /\.([A-Za-z_$][\w$]*) is not a function/.exec(msg)?.[1];
  const pae = atFrame(ctx, (n): n is TS.PropertyAccessExpression => isMethodCall(n) && (!method || n.name.text === method), (n) => n.name.getStart(src?.sf));
  if (!src || !pae) return out;
  const name = pae.name.text;
  const recv = pae.expression;
  const r = textOf(src, recv);
  const set = new EditSet();
  let shape = '';
  if (ARRAY_METHODS.has(name)) {
    shape = 'a JSON array';
    if (/^\(?Array\.isArray\(|^asArray\(/.test(r)) return out;
    if (isSimpleChain(recv)) set.add(src, { start: recv.getStart(src.sf), end: recv.getEnd(), text: `(Array.isArray(${r}) ? ${r} : [${r}])` });
    else {
      set.add(src, { start: recv.getStart(src.sf), end: recv.getEnd(), text: `asArray(${r})` });
      if (!declaresFunction(src, AS_ARRAY.name)) set.add(src, appendHelper(src, src.isTs ? AS_ARRAY.ts : AS_ARRAY.js));
    }
  } else if (STRING_METHODS.has(name) || NUMBER_METHODS.has(name)) {
    const fn = STRING_METHODS.has(name) ? 'String' : 'Number';
    shape = fn === 'String' ? 'a string' : 'a number';
    if (r.startsWith(`${fn}(`)) return out;
    set.add(src, { start: recv.getStart(src.sf), end: recv.getEnd(), text: `${fn}(${r})` });
  } else return out;
  const p = makePatch(set.map, {
    strategy: 'code_patch',
    title: `Accept the value at ${where(src, ctx.line)} as ${shape} whatever shape it arrives in`,
    rationale: `\`${r}\` was not ${shape} (\`.${name}\` is not a function on it); normalizing it before .${name}() handles the shape the model actually returned.`,
    specificity: 0.8,
    safety: 0.75,
  });
  if (p) out.push(p);
  // Say the expected shape in the prompt: the field name is the last property of the receiver.
  const field = ts.isPropertyAccessExpression(recv) ? recv.name.text : ts.isElementAccessExpression(recv) && ts.isStringLiteral(recv.argumentExpression) ? recv.argumentExpression.text : undefined;
  const near = llmCallNear(ctx);
  const obj = near && requestObject(near.call);
  const lit = near && obj && promptLiteral(near.src, obj);
  if (field && near && lit) {
    const edit = appendToLiteral(near.src, lit, `Return "${field}" as ${shape}.`);
    const pp = edit && makePatch(new Map([[near.src, [edit]]]), {
      strategy: 'prompt_change',
      title: `Tell the model that "${field}" must be ${shape}`,
      rationale: `The code uses ${field} as ${shape}; stating the shape in the prompt makes the model return it so.`,
      specificity: 0.6,
      safety: 0.8,
    });
    if (pp) out.push(pp);
  }
  return out;
}

/** The property of a "Cannot read properties of undefined (reading 'x')" TypeError. */
function readingProp(ctx: Ctx): string | undefined {
  const e = ctx.input.failure.error;
  if (!e || e.name !== 'TypeError') return undefined;
  return /\(reading '([^']+)'\)/.exec(e.message)?.[1] ?? /Cannot read property '([^']+)' of/.exec(e.message)?.[1];
}

// Built on first use: reading ts.SyntaxKind at module load would load the compiler for every CLI command.
let safeParents: Set<TS.SyntaxKind> | undefined;
let arith: Set<TS.SyntaxKind> | undefined;
const SAFE_PARENTS = (): Set<TS.SyntaxKind> => (safeParents ??= new Set([ts.SyntaxKind.VariableDeclaration, ts.SyntaxKind.ReturnStatement, ts.SyntaxKind.PropertyAssignment, ts.SyntaxKind.TemplateSpan, ts.SyntaxKind.CallExpression, ts.SyntaxKind.ArrayLiteralExpression, ts.SyntaxKind.ParenthesizedExpression, ts.SyntaxKind.ExpressionStatement]));
const ARITH = (): Set<TS.SyntaxKind> => (arith ??= new Set([ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken, ts.SyntaxKind.AsteriskAsteriskToken, ts.SyntaxKind.LessThanToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanEqualsToken]));

/**
 * `a.b.c` → `a.b?.c ?? fallback` at the read the TypeError names. The fallback fits the use: a number in
 * arithmetic, text in a template or string, null for a value kept; none where undefined is already handled (a
 * condition, a statement, an argument).
 */
export function optionalRead(ctx: Ctx, meta: { specificity: number; safety: number; cls: string }): HeuristicCandidate | null {
  const prop = readingProp(ctx);
  const src = ctx.frameSrc;
  if (!prop || !src) return null;
  type Access = TS.PropertyAccessExpression | TS.ElementAccessExpression;
  const isRead = (n: TS.Node): n is Access =>
    (ts.isPropertyAccessExpression(n) && n.name.text === prop) || (ts.isElementAccessExpression(n) && ts.isStringLiteral(n.argumentExpression) && n.argumentExpression.text === prop);
  const node = atFrame(ctx, isRead, (n) => (ts.isPropertyAccessExpression(n) ? n.name.getStart(src.sf) : n.argumentExpression.getStart(src.sf)));
  if (!node || node.questionDotToken) return null;
  // An assignment target cannot be optional.
  if (ts.isBinaryExpression(node.parent) && node.parent.left === node && node.parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return null;
  const objText = textOf(src, node.expression);
  const set = new EditSet();
  const dotFrom = node.expression.getEnd();
  if (ts.isPropertyAccessExpression(node)) {
    const dot = src.text.indexOf('.', dotFrom);
    set.add(src, { start: dot, end: dot + 1, text: '?.' });
  } else {
    set.add(src, { start: dotFrom, end: dotFrom, text: '?.' });
  }
  // The whole chain short-circuits after `?.`: find its end and how its value is used.
  let top: TS.Expression = node;
  while ((ts.isPropertyAccessExpression(top.parent) || ts.isElementAccessExpression(top.parent) || ts.isCallExpression(top.parent) || ts.isNonNullExpression(top.parent)) && (top.parent as TS.PropertyAccessExpression).expression === top) {
    top = top.parent as TS.Expression;
  }
  const parent = top.parent;
  let fallback: string | undefined;
  if (ts.isBinaryExpression(parent) && (ARITH().has(parent.operatorToken.kind) || (parent.operatorToken.kind === ts.SyntaxKind.PlusToken && !isStringy(parent.left) && !isStringy(parent.right)))) fallback = '0';
  else if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.PlusToken) fallback = quoted(src.style, 'unknown');
  else if (ts.isTemplateSpan(parent)) fallback = quoted(src.style, 'unknown');
  else if (ts.isVariableDeclaration(parent) || ts.isReturnStatement(parent) || ts.isPropertyAssignment(parent)) fallback = 'null';
  else if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.MinusToken) fallback = '0';
  if (fallback) {
    const needParens = !SAFE_PARENTS().has(parent.kind) || (ts.isCallExpression(parent) && parent.expression === top);
    const start = top.getStart(src.sf);
    if (needParens) set.add(src, { start, end: start, text: '(' });
    set.add(src, { start: top.getEnd(), end: top.getEnd(), text: ` ?? ${fallback}${needParens ? ')' : ''}` });
  }
  const ev = ctx.input.event;
  const from = ev ? ` in the result of step ${ev.seq} (${ev.kind})` : '';
  return makePatch(set.map, {
    strategy: 'code_patch',
    title: `Guard the read of ${prop} at ${where(src, ctx.line)} (${objText}?.${prop}${fallback ? ` ?? ${fallback}` : ''})`,
    rationale: `\`${objText}\` was undefined${from}, so reading .${prop} threw. Optional chaining${fallback ? ` with a ${fallback} fallback` : ''} lets the agent continue when the field is missing${meta.cls === 'missing_context' ? '; the data source omitted it' : ''}.`,
    specificity: meta.specificity,
    safety: meta.safety,
  });
}

export function missingContext(ctx: Ctx): HeuristicCandidate[] {
  const p = optionalRead(ctx, { specificity: 0.8, safety: 0.7, cls: 'missing_context' });
  return p ? [p] : [];
}

export function codeBug(ctx: Ctx): HeuristicCandidate[] {
  const p = optionalRead(ctx, { specificity: 0.5, safety: 0.5, cls: 'code_bug' }) ?? misspeltName(ctx);
  if (p) return [p];
  const f = ctx.input.failure;
  const frame = f.userFrame;
  const err = f.error ? `${f.error.name}: ${f.error.message}` : f.summary;
  const at = frame ? `${frame.file}:${frame.line}${frame.sourceLine ? ` (\`${frame.sourceLine}\`)` : ''}` : 'the failing line';
  return [{ strategy: 'code_patch', title: 'Fix the bug in the code', needsYou: `Fix ${at}: ${err}. The failure does not come from a recorded input (no reply or result was wrong), so no value change fixes it.` }];
}
