/**
 * Walks back from an error in user code to the recorded value that caused it: the failing expression (from V8's
 * message and the source line at the failing frame), then the recorded LLM reply / HTTP body / tool output whose
 * JSON is not JSON (bad_json), lacks the field that was read (missing_context) or has it with the wrong type
 * (schema_mismatch). Evidence, not message text: every finding names the recorded value and the source expression.
 */
import type { FailureClass } from '../../shared/afe/types.js';
import type { FrameLocals } from '../../shared/trace/types.js';
import type { RecordedValue } from './callFacts.js';

/** A property access that failed: `weather.current.temp_c` → holder ['weather', 'current'], key 'temp_c'. */
export interface Access {
  /** The expression the property was read on, as path segments; empty when it is not a plain path. */
  holder: string[];
  /** The holder expression as written. */
  holderText: string;
  /** The holder contains a call or something else than names and literal indexes (not a recorded data path). */
  computed: boolean;
  key: string;
}

export interface ValueFinding {
  cls: FailureClass;
  /** The recorded value that produced the error, most likely first. */
  matches: RecordedValue[];
  /** One line: what is wrong with the value. */
  what: string;
  /** Excerpt of the value (JSON or text). */
  excerpt?: string;
  /** How the match was made: 'snippet', 'locals', 'binding' or 'latest' (weakest). */
  how: string;
}

const ARRAY_METHODS = new Set(['map', 'filter', 'forEach', 'reduce', 'find', 'findIndex', 'some', 'every', 'flatMap', 'join', 'slice', 'includes', 'indexOf', 'push', 'sort', 'at', 'entries', 'keys', 'values', 'concat', 'reverse', 'splice']);
const STRING_METHODS = new Set(['split', 'trim', 'toLowerCase', 'toUpperCase', 'replace', 'replaceAll', 'startsWith', 'endsWith', 'match', 'padStart', 'padEnd', 'charAt', 'substring', 'localeCompare', 'normalize', 'trimEnd', 'trimStart']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Splits a path expression (`a.b?.c['d'][0]`) into segments; null when it is not a plain path. */
export function pathSegments(expr: string): string[] | null {
  const out: string[] = [];
  const re = /^\s*([A-Za-z_$][\w$]*)|^\??\.\s*([A-Za-z_$][\w$]*)|^\??\.?\[\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*\]/;
  let rest = expr.trim();
  let first = true;
  while (rest) {
    const m = re.exec(rest);
    if (!m || (first && m[1] === undefined)) return null;
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]);
    rest = rest.slice(m[0].length);
    first = false;
  }
  return out.length ? out : null;
}

/** The holder expression ending just before index `end` of `line` (scanning back over names, dots, indexes and calls). */
function holderBefore(line: string, end: number): string {
  let i = end;
  let depth = 0;
  while (i > 0) {
    const c = line[i - 1];
    if (c === ')' || c === ']') depth++;
    else if (c === '(' || c === '[') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && !/[\w$.?'"]/.test(c)) break;
    i--;
  }
  return line.slice(i, end).replace(/^\?\.|^\./, '');
}

/** The access of `key` in `line` nearest to the 1-based `column` V8 reported. */
export function accessAt(line: string, column: number, key: string): Access | undefined {
  const esc = key.replace(/[$]/g, '\\$');
  const re = /^\d+$/.test(key) ? new RegExp(`\\??\\.?\\[\\s*${esc}\\s*\\]`, 'g') : new RegExp(`\\??\\.\\s*${esc}\\b|\\??\\.?\\[\\s*['"]${esc}['"]\\s*\\]`, 'g');
  let best: { at: number; dist: number } | undefined;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const dist = Math.abs(m.index + m[0].length - key.length - (column - 1));
    if (!best || dist < best.dist) best = { at: m.index, dist };
  }
  if (!best) return undefined;
  return fromHolder(holderBefore(line, best.at), key);
}

function fromHolder(holderText: string, key: string): Access | undefined {
  const text = holderText.trim();
  if (!text) return undefined;
  const segs = pathSegments(text);
  return { holder: segs ?? [], holderText: text, computed: segs === null, key };
}

/** An access from V8's own expression text (`plan.items.map is not a function` → holder plan.items, key map). */
export function accessFromExpression(expr: string): Access | undefined {
  const segs = pathSegments(expr);
  if (!segs || segs.length < 2) return undefined;
  const key = segs[segs.length - 1];
  const holderText = expr.slice(0, expr.lastIndexOf(key)).replace(/\??\.?\[?['"]?$/, '').replace(/\??\.$/, '');
  return { holder: segs.slice(0, -1), holderText, computed: false, key };
}

function get(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const k of path) {
    if (Array.isArray(cur) && /^\d+$/.test(k)) cur = cur[Number(k)];
    else if (isObj(cur)) cur = cur[k];
    else return undefined;
  }
  return cur;
}

const same = (a: unknown, b: unknown): boolean => {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
};

/** How the root variable of a path is bound in the source: 'data' (from a call, parse, await…), 'code' (a literal, new, require), or undefined. */
export function bindingOf(source: string | undefined, root: string): 'data' | 'code' | undefined {
  if (!source) return undefined;
  const esc = root.replace(/[$]/g, '\\$');
  const decl = new RegExp(`\\b(?:const|let|var)\\s+(?:${esc}\\b|[{[][^=;]*\\b${esc}\\b[^=;]*[}\\]])\\s*=\\s*([^;\\n]+)`).exec(source);
  if (!decl) return undefined;
  const rhs = decl[1].trim();
  if (/\.json\(\)|JSON\.parse|\bawait\b|\bfetch\(|\.choices\b|\.content\b|\barguments\b|\.data\b|\.body\b|\.output\b/.test(rhs)) return 'data';
  if (/^(new\s|\{|\[|require\(|import\(|['"`\d]|true\b|false\b|null\b)/.test(rhs)) return 'code';
  return undefined;
}

function rootLocal(frames: readonly FrameLocals[] | undefined, root: string): unknown {
  for (const f of frames ?? []) if (Object.prototype.hasOwnProperty.call(f.locals, root)) return f.locals[root];
  return undefined;
}

function excerptOf(v: unknown, max = 200): string {
  const text = (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Ranks matches: values bound to the root local first, then by recency. */
function rank(values: RecordedValue[], local: unknown): { matches: RecordedValue[]; how: string } {
  const byLocal = local === undefined ? [] : values.filter((v) => same(v.json, local));
  const rest = values.filter((v) => !byLocal.includes(v)).reverse();
  return { matches: [...byLocal.reverse(), ...rest], how: byLocal.length ? 'locals' : 'latest' };
}

/**
 * A property read on undefined/null: the holder's last segment is the field a recorded object lacks (or an index
 * past an array's end). Null when the holder is computed or bound to code, or when no recorded value lacks it.
 */
export function missingField(access: Access, values: readonly RecordedValue[], locals: readonly FrameLocals[] | undefined, source: string | undefined): ValueFinding | null {
  if (access.computed || access.holder.length === 0) return null;
  const [root, ...rest] = access.holder;
  const binding = bindingOf(source, root);
  const local = rootLocal(locals, root);
  if (binding === 'code') return null;
  // `const current = weather.current; current.temp_c`: the variable names the field a result lacks.
  const mid = rest.length ? rest.slice(0, -1) : [];
  const missing = rest.length ? rest[rest.length - 1] : root;
  const lacks = values.filter((v) => {
    const holder = get(v.json, mid);
    if (Array.isArray(holder) && /^\d+$/.test(missing)) return Number(missing) >= holder.length;
    return isObj(holder) && (holder[missing] === undefined || holder[missing] === null);
  });
  if (lacks.length === 0) return null;
  if (rest.length === 0 && local === undefined && binding !== 'data') return null;
  const { matches, how } = rank(lacks, local);
  const holderAt = get(matches[0].json, mid);
  const keys = isObj(holderAt) ? Object.keys(holderAt) : [];
  const what = `${access.holderText} is ${rest.length ? 'undefined' : 'undefined or null'}: the recorded result has no field "${missing}"${keys.length ? ` (it has: ${keys.slice(0, 8).join(', ')})` : ''}`;
  return { cls: 'missing_context', matches, what, excerpt: excerptOf(matches[0].json), how: how === 'latest' && binding === 'data' ? 'binding' : how };
}

/** A method or iteration on a recorded field of the wrong type (`items` a string where the code calls .map). */
export function wrongShape(access: Access, values: readonly RecordedValue[], locals: readonly FrameLocals[] | undefined, source: string | undefined): ValueFinding | null {
  if (access.computed || access.holder.length < 2) return null;
  const [root, ...rest] = access.holder;
  if (bindingOf(source, root) === 'code') return null;
  const field = rest[rest.length - 1];
  const mid = rest.slice(0, -1);
  const wrong = (v: unknown): boolean =>
    access.key === '[Symbol.iterator]' ? !(Array.isArray(v) || typeof v === 'string') : ARRAY_METHODS.has(access.key) ? !Array.isArray(v) : STRING_METHODS.has(access.key) ? typeof v !== 'string' : true;
  const bad = values.filter((v) => {
    const holder = get(v.json, mid);
    return isObj(holder) && holder[field] !== undefined && wrong(holder[field]);
  });
  if (bad.length === 0) return null;
  const { matches, how } = rank(bad, rootLocal(locals, root));
  const value = get(matches[0].json, [...mid, field]);
  const type = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
  const expected = access.key === '[Symbol.iterator]' ? 'an iterable' : ARRAY_METHODS.has(access.key) ? 'an array' : STRING_METHODS.has(access.key) ? 'a string' : 'a function';
  const what = `${access.holderText} is ${type} (${excerptOf(value, 60)}) where the code needs ${expected}${access.key === '[Symbol.iterator]' ? '' : ` (it calls .${access.key})`}`;
  return { cls: 'schema_mismatch', matches, what, excerpt: excerptOf(matches[0].json), how };
}

/** The snippet V8 quotes in a JSON.parse error (`Unexpected token 'S', "Sure! Here"... is not valid JSON`). */
export function jsonErrorSnippet(message: string): string | undefined {
  const m = /, (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message);
  return m && m[1].length >= 3 ? m[1] : undefined;
}

/** The recorded text that reached JSON.parse and is not JSON. Null when no recorded value fits. */
export function unparsable(message: string, values: readonly RecordedValue[], locals: readonly FrameLocals[] | undefined): ValueFinding | null {
  const texts = values.filter((v) => v.text !== undefined && v.json === undefined && v.text.trim() !== '');
  if (texts.length === 0) return null;
  const snippet = jsonErrorSnippet(message);
  const bySnippet = snippet ? texts.filter((v) => (v.text as string).includes(snippet)) : [];
  const localStrings = (locals ?? []).flatMap((f) => Object.values(f.locals).filter((x): x is string => typeof x === 'string'));
  const byLocal = texts.filter((v) => localStrings.includes(v.text as string));
  const latest = [...texts].reverse();
  const ordered = [...new Set([...bySnippet.reverse(), ...byLocal.reverse(), ...latest])];
  const how = bySnippet.length ? 'snippet' : byLocal.length ? 'locals' : 'latest';
  const top = ordered[0];
  const src = top.kind === 'llm' ? (top.source === 'toolArgs' ? 'tool-call arguments of the LLM reply' : 'LLM reply') : top.kind === 'http' ? 'HTTP response body' : `${top.kind} output`;
  const fenced = /```/.test(top.text as string) ? ' (JSON inside a ``` fence with prose around it)' : '';
  return { cls: 'bad_json', matches: ordered, what: `the ${src} is not valid JSON${fenced}`, excerpt: excerptOf(top.text), how };
}
