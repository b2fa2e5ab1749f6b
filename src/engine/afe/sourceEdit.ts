/**
 * Source-level editing for fix candidates: parse a user file with the TypeScript parser (JS and TS alike), find
 * nodes by line, read the file's style (quotes, semicolons, indentation, line endings) and write minimal edits in
 * that style. Pure: text in, text out. `typescript` is a runtime import of the engine for this module.
 */
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

/**
 * The TypeScript compiler, loaded on first use: a large module (about 0.4 s of CPU), and every CLI command bundles
 * this file while only `fix` parses code. Call sites stay plain `ts.x`; types come from the `TS` namespace.
 */
let loaded: typeof TS | undefined;
export const ts: typeof TS = new Proxy({} as typeof TS, {
  get: (_t, key) => (loaded ??= createRequire(import.meta.url)('typescript') as typeof TS)[key as keyof typeof TS],
});
export type { TS };

/** How a file writes code, so that inserted code looks like the developer's own. */
export interface CodeStyle {
  quote: "'" | '"';
  semi: boolean;
  /** One level of indentation: '\t' or N spaces. */
  indent: string;
  eol: '\n' | '\r\n';
}

/** A parsed user file. */
export interface Src {
  path: string;
  text: string;
  sf: TS.SourceFile;
  style: CodeStyle;
  /** TypeScript (type annotations allowed in inserted code). */
  isTs: boolean;
}

/** Replace [start, end) with `text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

const scriptKind = (path: string): TS.ScriptKind => {
  if (/\.tsx$/i.test(path)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/i.test(path)) return ts.ScriptKind.TS;
  if (/\.jsx$/i.test(path)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
};

/** Parses a file (never throws: the TypeScript parser recovers) and reads its style. */
export function parseSource(path: string, text: string): Src {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path));
  const isTs = scriptKind(path) === ts.ScriptKind.TS || scriptKind(path) === ts.ScriptKind.TSX;
  return { path, text, sf, style: detectStyle(sf, text), isTs };
}

/** Whether `text` parses as the file's language without a single syntax error (types in a .js file count as one). */
export function parsesCleanly(path: string, text: string): boolean {
  const fileName = /\.[cm]?[jt]sx?$/i.test(path) ? path : `${path}.js`;
  const out = ts.transpileModule(text, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { allowJs: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, jsx: ts.JsxEmit.Preserve },
  });
  return (out.diagnostics ?? []).length === 0;
}

function detectStyle(sf: TS.SourceFile, text: string): CodeStyle {
  let single = 0;
  let double = 0;
  let withSemi = 0;
  let without = 0;
  const visit = (n: TS.Node): void => {
    if (ts.isStringLiteral(n) && !ts.isImportDeclaration(n.parent) && !ts.isExportDeclaration(n.parent)) {
      if (text[n.getStart(sf)] === '"') double++;
      else single++;
    } else if (ts.isStringLiteral(n)) {
      // Import specifiers count too, but less: they are often written by tooling.
      if (text[n.getStart(sf)] === '"') double += 0.5;
      else single += 0.5;
    }
    if (ts.isExpressionStatement(n) || ts.isVariableStatement(n) || ts.isReturnStatement(n) || ts.isImportDeclaration(n) || ts.isThrowStatement(n)) {
      if (text[n.getEnd() - 1] === ';') withSemi++;
      else without++;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { quote: double > single ? '"' : "'", semi: withSemi >= without, indent: detectIndent(text), eol };
}

/** The smallest indentation step used by code lines (tabs win when most indented lines use them). */
function detectIndent(text: string): string {
  let tabs = 0;
  let spaces = 0;
  let step = 0;
  for (const line of text.split(/\r?\n/)) {
    const m = /^([ \t]+)\S/.exec(line);
    if (!m || line.trimStart().startsWith('*')) continue;
    if (m[1].startsWith('\t')) tabs++;
    else {
      spaces++;
      const n = m[1].length;
      if (n >= 2 && (step === 0 || n < step)) step = n;
    }
  }
  if (tabs > spaces) return '\t';
  return ' '.repeat(step === 0 ? 2 : Math.min(step, 8));
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The leading whitespace of the line that holds `pos`. */
export function indentAt(text: string, pos: number): string {
  const start = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** 1-based line of a position. */
export function lineOf(sf: TS.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

/** Every node under `root` (depth-first, outer before inner) that satisfies `pred`. */
export function findNodes<T extends TS.Node>(root: TS.Node, pred: (n: TS.Node) => n is T): T[] {
  const out: T[] = [];
  const visit = (n: TS.Node): void => {
    if (pred(n)) out.push(n);
    ts.forEachChild(n, visit);
  };
  visit(root);
  return out;
}

/** Nodes matching `pred` whose start lies on the 1-based `line` (or that span it when none starts there). */
export function nodesAtLine<T extends TS.Node>(src: Src, line: number, pred: (n: TS.Node) => n is T): T[] {
  const all = findNodes(src.sf, pred);
  const starting = all.filter((n) => lineOf(src.sf, n.getStart(src.sf)) === line);
  if (starting.length) return starting;
  return all.filter((n) => lineOf(src.sf, n.getStart(src.sf)) <= line && lineOf(src.sf, n.getEnd()) >= line).reverse();
}

/** The 1-based column distance from `col` of the node's position `pos`: used to pick the node the frame points at. */
export function columnDistance(src: Src, pos: number, line: number, col: number): number {
  const lc = src.sf.getLineAndCharacterOfPosition(pos);
  return lc.line + 1 === line ? Math.abs(lc.character + 1 - col) : 1e6;
}

/** A string literal in the file's quote style. */
export function quoted(style: CodeStyle, s: string): string {
  const q = style.quote;
  return q + s.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`).replace(/\n/g, '\\n') + q;
}

/**
 * Code written in this module's house style (single quotes, semicolons, two-space indentation, \n) rewritten in the
 * file's style. Templates must keep to: `;` only as a statement end at the end of a line, no line starting with
 * `(`, `[` or a backtick (so dropping semicolons is safe), and quotes only as simple string delimiters.
 */
export function styled(code: string, style: CodeStyle, baseIndent = ''): string {
  return code
    .split('\n')
    .map((line) => {
      if (!line.trim()) return '';
      const m = /^( *)(.*)$/.exec(line) as RegExpExecArray;
      let body = m[2];
      if (style.quote === '"') body = body.replace(/'/g, '"');
      if (!style.semi) body = body.replace(/;$/, '');
      return baseIndent + style.indent.repeat(m[1].length / 2) + body;
    })
    .join(style.eol);
}

/** The text of a node as written. */
export function textOf(src: Src, n: TS.Node): string {
  return src.text.slice(n.getStart(src.sf), n.getEnd());
}

/** A named property of an object literal (`name: v`, `'name': v`, shorthand `name`). */
export function propertyOf(obj: TS.ObjectLiteralExpression, name: string): TS.ObjectLiteralElementLike | undefined {
  return obj.properties.find((p) => p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name);
}

/**
 * An edit that adds properties (e.g. `maxRetries: 5`) after the last property of an object literal, in its layout:
 * one per line when the properties are one per line (a trailing comma kept as found), inline otherwise.
 */
export function addProperty(src: Src, obj: TS.ObjectLiteralExpression, props: string | string[]): TextEdit {
  const { text, sf } = src;
  const list = typeof props === 'string' ? [props] : props;
  const eol = src.style.eol;
  const open = obj.getStart(sf);
  const close = obj.getEnd() - 1;
  const last = obj.properties[obj.properties.length - 1];
  if (!last) {
    const inner = text.slice(open + 1, close);
    if (inner.includes('\n')) {
      const ind = indentAt(text, open);
      return { start: open + 1, end: close, text: list.map((p) => `${eol}${ind}${src.style.indent}${p},`).join('') + `${eol}${ind}` };
    }
    return { start: open + 1, end: close, text: ` ${list.join(', ')} ` };
  }
  const lastEnd = last.getEnd();
  if (lineOf(sf, last.getStart(sf)) !== lineOf(sf, open)) {
    const ind = indentAt(text, last.getStart(sf));
    if (obj.properties.hasTrailingComma) {
      const comma = text.indexOf(',', lastEnd);
      return { start: comma + 1, end: comma + 1, text: list.map((p) => `${eol}${ind}${p},`).join('') };
    }
    return { start: lastEnd, end: lastEnd, text: list.map((p) => `,${eol}${ind}${p}`).join('') };
  }
  return { start: lastEnd, end: lastEnd, text: list.map((p) => `, ${p}`).join('') };
}

/** An edit that appends a top-level helper (a function declaration: hoisted, so its place does not matter). */
export function appendHelper(src: Src, code: string): TextEdit {
  const { text } = src;
  const eol = src.style.eol;
  const body = styled(code, src.style);
  const end = text.length;
  if (text.endsWith('\n')) return { start: end, end, text: `${eol}${body}${eol}` };
  return { start: end, end, text: `${eol}${eol}${body}` };
}

/** Whether the file already declares a function named `name` (so a helper is added once). */
export function declaresFunction(src: Src, name: string): boolean {
  return findNodes(src.sf, ts.isFunctionDeclaration).some((f) => f.name?.text === name);
}

/** The file of `files` a frame's path (absolute, or a file:// URL) points at. */
export function fileForFrame<F extends { path: string }>(files: F[], framePath: string | undefined): F | undefined {
  if (!framePath) return undefined;
  let p = framePath;
  if (p.startsWith('file://')) {
    try {
      p = decodeURIComponent(new URL(p).pathname);
    } catch {
      p = p.slice(7);
    }
  }
  return files.find((f) => f.path === p) ?? files.find((f) => p.endsWith(f.path) || f.path.endsWith(p));
}

