/**
 * Heuristic fixes for the agent's control flow: a tool that throws returns an error result to the agent instead
 * (tool_error), and a runaway loop gets an iteration cap with a clean exit or stops when the model repeats its call
 * (loop). Located by parsing; inserted code keeps the file's indentation, quotes and semicolons.
 */
import type { StepPayload } from '../../shared/trace/types.js';
import { isLlmCreate, makePatch, where, type Ctx, type HeuristicCandidate } from './heuristicKit.js';
import { findNodes, indentAt, lineOf, nodesAtLine, textOf, ts, type Src, type TextEdit } from './sourceEdit.js';
import type { TS } from './sourceEdit.js';

type Fn = TS.ArrowFunction | TS.FunctionExpression | TS.FunctionDeclaration | TS.MethodDeclaration;
const isFn = (n: TS.Node): n is Fn => ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n);

/** Lines of [start, end) with `add` put before each, except blank lines and lines that begin inside a template. */
function indentLines(src: Src, start: number, end: number, add: string): string {
  const templates = findNodes(src.sf, (n): n is TS.Node => ts.isTemplateExpression(n) || ts.isNoSubstitutionTemplateLiteral(n)).map((t) => [t.getStart(src.sf), t.getEnd()]);
  let out = '';
  let lineStart = start;
  const text = src.text;
  while (lineStart < end) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 || nl >= end ? end : nl + 1;
    const line = text.slice(lineStart, lineEnd);
    const inTemplate = templates.some(([s, e]) => s < lineStart && lineStart < e);
    out += line.trim() && !inTemplate ? add + line : line;
    lineStart = lineEnd;
  }
  return out;
}

const lineStartOf = (text: string, pos: number): number => text.lastIndexOf('\n', pos - 1) + 1;
const startsLine = (text: string, pos: number): boolean => /^[ \t]*$/.test(text.slice(lineStartOf(text, pos), pos));

/** The function body wrapped in try/catch that returns `{ error }` (or an error string for string tools). */
function wrapBody(src: Src, fn: Fn): TextEdit | null {
  const body = fn.body;
  if (!body) return null;
  const { eol, indent: unit } = src.style;
  const semi = src.style.semi ? ';' : '';
  const returnsString = !!fn.type && /\bstring\b/.test(textOf(src, fn.type));
  const errValue = 'err instanceof Error ? err.message : String(err)';
  const errorResult = returnsString ? `\`Error: \${${errValue}}\`` : `{ error: ${errValue} }`;
  const isAsync = !!fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  if (ts.isBlock(body)) {
    const stmts = body.statements;
    if (!stmts.length) return null;
    if (stmts.length === 1 && ts.isTryStatement(stmts[0]) && stmts[0].catchClause) return null;
    const first = stmts[0];
    const last = stmts[stmts.length - 1];
    if (startsLine(src.text, first.getStart(src.sf))) {
      const from = lineStartOf(src.text, first.getStart(src.sf));
      const ind = indentAt(src.text, first.getStart(src.sf));
      const inner = indentLines(src, from, last.getEnd(), unit);
      return { start: from, end: last.getEnd(), text: `${ind}try {${eol}${inner}${eol}${ind}} catch (err) {${eol}${ind}${unit}return ${errorResult}${semi}${eol}${ind}}` };
    }
    const ind = indentAt(src.text, body.getStart(src.sf));
    const stmtsText = src.text.slice(first.getStart(src.sf), last.getEnd());
    return { start: body.getStart(src.sf), end: body.getEnd(), text: `{${eol}${ind}${unit}try {${eol}${ind}${unit}${unit}${stmtsText}${eol}${ind}${unit}} catch (err) {${eol}${ind}${unit}${unit}return ${errorResult}${semi}${eol}${ind}${unit}}${eol}${ind}}` };
  }
  const ind = indentAt(src.text, fn.getStart(src.sf));
  const exprStart = body.getStart(src.sf);
  const nl = src.text.indexOf('\n', exprStart);
  const exprText = nl < 0 || nl >= body.getEnd() ? textOf(src, body) : src.text.slice(exprStart, nl + 1) + indentLines(src, nl + 1, body.getEnd(), unit + unit);
  const ret = isAsync ? `return await ${exprText}` : `return ${exprText}`;
  return { start: exprStart, end: body.getEnd(), text: `{${eol}${ind}${unit}try {${eol}${ind}${unit}${unit}${ret}${semi}${eol}${ind}${unit}} catch (err) {${eol}${ind}${unit}${unit}return ${errorResult}${semi}${eol}${ind}${unit}}${eol}${ind}}` };
}

/** The name of the tool that threw: the decisive tool event's, else one named in the evidence. */
function toolName(ctx: Ctx): string | undefined {
  const ev = ctx.input.event;
  if (ev?.kind === 'tool') return (ev.payload as StepPayload).name;
  for (const e of ctx.input.failure.evidence) {
    const m = /tool\(?\s*["'`]([^"'`]+)["'`]/.exec(e.label);
    if (m) return m[1];
  }
  return undefined;
}

/** `tool('name', fn)` calls of the SDK: their name and function. */
function toolDefs(src: Src): { name: string; fn: Fn }[] {
  const out: { name: string; fn: Fn }[] = [];
  for (const c of findNodes(src.sf, ts.isCallExpression)) {
    const callee = c.expression;
    const isTool = (ts.isIdentifier(callee) && callee.text === 'tool') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'tool');
    const [n, f] = c.arguments;
    if (isTool && n && ts.isStringLiteral(n) && f && isFn(f)) out.push({ name: n.text, fn: f });
  }
  return out;
}

const NOT_TOOLS = new Set(['main', 'run', 'start', 'agent', 'runAgent', 'default']);

export function toolError(ctx: Ctx): HeuristicCandidate[] {
  const name = toolName(ctx);
  let target: { src: Src; fn: Fn; label: string } | undefined;
  for (const src of ctx.srcs) {
    const defs = toolDefs(src);
    const def = name ? defs.find((d) => d.name === name) : ctx.frameSrc === src && ctx.line ? defs.find((d) => lineOf(src.sf, d.fn.getStart(src.sf)) <= ctx.line! && lineOf(src.sf, d.fn.getEnd()) >= ctx.line!) : undefined;
    if (def) target = { src, fn: def.fn, label: `tool("${def.name}")` };
    if (target) break;
  }
  // No tool() wrapper: the function the failing frame is in, when it is a named helper (not the agent's main).
  if (!target && ctx.frameSrc && ctx.line) {
    const src = ctx.frameSrc;
    const fns = nodesAtLine(src, ctx.line, isFn).filter((f) => lineOf(src.sf, f.getStart(src.sf)) <= ctx.line!);
    const fn = fns.length ? fns.sort((a, b) => b.getStart(src.sf) - a.getStart(src.sf))[0] : undefined;
    const fnName = fn && (fn.name && ts.isIdentifier(fn.name) ? fn.name.text : ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name.text : ts.isPropertyAssignment(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name.text : undefined);
    if (fn && fnName && !NOT_TOOLS.has(fnName) && (!name || fnName === name)) target = { src, fn, label: `${fnName}()` };
  }
  if (!target) return [];
  const edit = wrapBody(target.src, target.fn);
  if (!edit) return [];
  const p = makePatch(new Map([[target.src, [edit]]]), {
    strategy: 'code_patch',
    title: `Return the error of ${target.label} to the agent instead of crashing`,
    rationale: `${target.label} threw, which ended the run. Catching the error and returning it as the tool's result lets the agent (and the model) see the failure and carry on or retry.`,
    specificity: 0.75,
    safety: 0.7,
  });
  return p ? [p] : [];
}

type Loop = TS.WhileStatement | TS.DoStatement | TS.ForStatement | TS.ForOfStatement | TS.ForInStatement;
const isLoop = (n: TS.Node): n is Loop => ts.isWhileStatement(n) || ts.isDoStatement(n) || ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n);

const CAP = 10;

/** The loop that makes the repeated LLM call: the innermost one around the failing line, else the first one. */
function agentLoop(ctx: Ctx): { src: Src; loop: Loop } | undefined {
  const hasLlm = (l: Loop): boolean => findNodes(l, isLlmCreate).length > 0;
  if (ctx.frameSrc && ctx.line) {
    const src = ctx.frameSrc;
    const around = findNodes(src.sf, isLoop).filter((l) => hasLlm(l) && lineOf(src.sf, l.getStart(src.sf)) <= ctx.line! && lineOf(src.sf, l.getEnd()) >= ctx.line!);
    if (around.length) return { src, loop: around[around.length - 1] };
  }
  for (const src of ctx.srcs) {
    const l = findNodes(src.sf, isLoop).find(hasLlm);
    if (l) return { src, loop: l };
  }
  return undefined;
}

/** The statement to insert declarations before (a labelled loop's label), when it starts its own line. */
function loopStatement(src: Src, loop: Loop): TS.Statement | undefined {
  const st = ts.isLabeledStatement(loop.parent) ? loop.parent : loop;
  return startsLine(src.text, st.getStart(src.sf)) ? st : undefined;
}

function freeName(src: Src, base: string, alt: string): string {
  return new RegExp(`\\b${base}\\b`).test(src.text) ? alt : base;
}

/** An iteration cap: the literal bound lowered, a throwing budget check turned into a break, or a counter added. */
function capLoop(ctx: Ctx, src: Src, loop: Loop): HeuristicCandidate | null {
  const semi = src.style.semi ? ';' : '';
  const { eol } = src.style;
  const meta = { strategy: 'code_patch' as const, specificity: 0.6, safety: 0.7 };
  // The frame is a `throw` of a step budget inside the loop: end the loop there instead.
  if (ctx.frameSrc === src && ctx.line) {
    const th = nodesAtLine(src, ctx.line, ts.isThrowStatement).find((t) => {
      let n: TS.Node = t.parent;
      // A `break` inside a switch would leave the switch, not the loop.
      while (n !== loop && !isFn(n) && !ts.isSourceFile(n) && !ts.isSwitchStatement(n)) n = n.parent;
      return n === loop;
    });
    if (th) {
      return makePatch(new Map([[src, [{ start: th.getStart(src.sf), end: th.getEnd(), text: `break${semi}` }]]]), {
        ...meta,
        title: `End the loop at ${where(src, ctx.line)} cleanly when its step budget runs out`,
        rationale: 'The loop threw when it ran out of steps, which failed the run; breaking out lets the agent finish with what it has.',
      });
    }
  }
  if (ts.isForStatement(loop) && loop.condition && ts.isBinaryExpression(loop.condition) && [ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken].includes(loop.condition.operatorToken.kind)) {
    let bound: TS.Expression = loop.condition.right;
    if (ts.isIdentifier(bound)) {
      const name = bound.text;
      const decl = findNodes(src.sf, ts.isVariableDeclaration).find((d) => ts.isIdentifier(d.name) && d.name.text === name);
      if (decl?.initializer) bound = decl.initializer;
    }
    if (ts.isNumericLiteral(bound)) {
      if (Number(bound.text.replace(/_/g, '')) <= CAP) return null;
      return makePatch(new Map([[src, [{ start: bound.getStart(src.sf), end: bound.getEnd(), text: String(CAP) }]]]), {
        ...meta,
        title: `Lower the loop's iteration cap to ${CAP}`,
        rationale: `The loop ran away; a cap of ${CAP} turns ends it well before the run's budget is blown.`,
      });
    }
  }
  if (ts.isForOfStatement(loop) || ts.isForInStatement(loop) || !ts.isBlock(loop.statement)) return null;
  const body = loop.statement;
  const first = body.statements[0];
  if (first && /^if \(\+\+\w+ > \d+\) break/.test(textOf(src, first))) return null;
  const st = loopStatement(src, loop);
  if (!st) return null;
  const name = freeName(src, 'turns', 'agentTurns');
  const ind = indentAt(src.text, st.getStart(src.sf));
  const inner = first && startsLine(src.text, first.getStart(src.sf)) ? indentAt(src.text, first.getStart(src.sf)) : ind + src.style.indent;
  const open = body.getStart(src.sf) + 1;
  return makePatch(
    new Map([
      [
        src,
        [
          { start: lineStartOf(src.text, st.getStart(src.sf)), end: lineStartOf(src.text, st.getStart(src.sf)), text: `${ind}let ${name} = 0${semi}${eol}` },
          { start: open, end: open, text: `${eol}${inner}if (++${name} > ${CAP}) break${semi}` },
        ],
      ],
    ]),
    {
      ...meta,
      title: `Cap the agent loop at ${CAP} turns`,
      rationale: `The loop repeated the same request without end; after ${CAP} turns it now breaks out and the agent finishes with what it has.`,
    },
  );
}

/** Stop when the model asks for exactly what it asked for last turn (same tool calls, same text). */
function breakOnRepeat(src: Src, loop: Loop): HeuristicCandidate | null {
  if (!ts.isBlock(loop.statement) || /\blastCallKey\b/.test(textOf(src, loop))) return null;
  const st = loopStatement(src, loop);
  if (!st) return null;
  for (const stmt of loop.statement.statements) {
    if (!ts.isVariableStatement(stmt) || !startsLine(src.text, stmt.getStart(src.sf))) continue;
    const d = stmt.declarationList.declarations[0];
    let init = d?.initializer;
    if (init && ts.isAwaitExpression(init)) init = init.expression;
    if (!d || !ts.isIdentifier(d.name) || !init || !isLlmCreate(init)) continue;
    const req = init.arguments[0];
    if (req && ts.isObjectLiteralExpression(req) && /\bstream\s*:\s*true\b/.test(textOf(src, req))) return null;
    const r = d.name.text;
    const chat = /\.chat\.completions\.create$/.test(textOf(src, init.expression));
    const key = chat ? `${r}.choices[0].message.tool_calls ?? ${r}.choices[0].message.content` : `${r}.content`;
    const semi = src.style.semi ? ';' : '';
    const { eol } = src.style;
    const ind = indentAt(src.text, stmt.getStart(src.sf));
    const outer = indentAt(src.text, st.getStart(src.sf));
    const decl = src.isTs ? 'let lastCallKey: string | undefined' : 'let lastCallKey';
    const lines = [`const callKey = JSON.stringify(${key})${semi}`, `if (callKey === lastCallKey) break${semi}`, `lastCallKey = callKey${semi}`];
    return makePatch(
      new Map([
        [
          src,
          [
            { start: lineStartOf(src.text, st.getStart(src.sf)), end: lineStartOf(src.text, st.getStart(src.sf)), text: `${outer}${decl}${semi}${eol}` },
            { start: stmt.getEnd(), end: stmt.getEnd(), text: lines.map((l) => `${eol}${ind}${l}`).join('') },
          ],
        ],
      ]),
      {
        strategy: 'code_patch',
        title: 'Stop the loop when the model repeats its last request',
        rationale: 'The model kept answering with the same call, so the loop never ended; comparing each reply with the previous one breaks out of the repetition.',
        specificity: 0.75,
        safety: 0.7,
      },
    );
  }
  return null;
}

export function loop(ctx: Ctx): HeuristicCandidate[] {
  const found = agentLoop(ctx);
  if (!found) return [];
  const out: HeuristicCandidate[] = [];
  const cap = capLoop(ctx, found.src, found.loop);
  if (cap) out.push(cap);
  const rep = breakOnRepeat(found.src, found.loop);
  if (rep) out.push(rep);
  return out;
}
