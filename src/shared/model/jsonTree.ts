/**
 * The rows of a collapsible JSON tree with "changed since previous step" marks, for the state inspector. The view
 * renders rows; which nodes are open and which are marked is decided here, so it is tested without a DOM.
 * Paths are dot-joined keys, the same form as stateDiff's changedPaths (e.g. `tracked.memory.notes.3`).
 */
import type { Json } from '../trace/types.js';

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** `self`: this value (or an ancestor) was set since the previous step; `inside`: something below it changed. */
export type ChangeMark = 'self' | 'inside';

export interface JsonRow {
  path: string;
  depth: number;
  key: string;
  type: JsonType;
  /** Scalar text, or `{…} 3 keys` / `[…] 5 items` for containers. */
  preview: string;
  expandable: boolean;
  expanded: boolean;
  mark?: ChangeMark;
  /** A placeholder row for children cut by maxChildren. */
  more?: number;
}

export function typeOf(v: Json): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as 'object' | 'string' | 'number' | 'boolean';
}

export const joinPath = (base: string, key: string | number): string => (base === '' ? String(key) : `${base}.${key}`);

/** Marks for every path: each changed path is `self`, each of its ancestors `inside`. */
export function changeMarks(changedPaths: readonly string[]): Map<string, ChangeMark> {
  const marks = new Map<string, ChangeMark>();
  for (const p of changedPaths) {
    marks.set(p, 'self');
    const parts = p.split('.');
    for (let i = parts.length - 1; i >= 1; i--) {
      const anc = parts.slice(0, i).join('.');
      if (!marks.has(anc)) marks.set(anc, 'inside');
    }
    if (p !== '' && !marks.has('')) marks.set('', 'inside');
  }
  return marks;
}

function markOf(path: string, marks: Map<string, ChangeMark>, parentMark: ChangeMark | undefined): ChangeMark | undefined {
  // Everything below a value that was set wholesale is new as well.
  if (parentMark === 'self') return 'self';
  return marks.get(path);
}

export function preview(v: Json, max = 80): string {
  switch (typeOf(v)) {
    case 'object': {
      const n = Object.keys(v as object).length;
      return n === 0 ? '{}' : `{…} ${n} key${n === 1 ? '' : 's'}`;
    }
    case 'array': {
      const n = (v as Json[]).length;
      return n === 0 ? '[]' : `[…] ${n} item${n === 1 ? '' : 's'}`;
    }
    case 'string': {
      const s = JSON.stringify(v);
      return s.length > max ? s.slice(0, max - 2) + '…"' : s;
    }
    default:
      return String(v);
  }
}

/** Whether a value above `path` was set wholesale (then everything below it is new too). */
function ancestorSet(path: string, marks: Map<string, ChangeMark>): boolean {
  if (marks.get('') === 'self') return true;
  const parts = path === '' ? [] : path.split('.');
  for (let i = 1; i < parts.length; i++) if (marks.get(parts.slice(0, i).join('.')) === 'self') return true;
  return false;
}

export interface FlattenOptions {
  /** Path of the root value (e.g. `tracked`); rows carry full paths. */
  rootPath?: string;
  rootKey?: string;
  /** Whether a container is open; absent: the default (open near the root and along changed paths). */
  isExpanded?: (path: string, depth: number, mark: ChangeMark | undefined) => boolean | undefined;
  marks?: Map<string, ChangeMark>;
  /** Children shown per container before a "… N more" row. */
  maxChildren?: number;
  /** Levels open by default. */
  openDepth?: number;
}

/** The visible rows of a JSON value, depth first. */
export function flattenJson(root: Json, opts: FlattenOptions = {}): JsonRow[] {
  const marks = opts.marks ?? new Map<string, ChangeMark>();
  const maxChildren = opts.maxChildren ?? 200;
  const openDepth = opts.openDepth ?? 1;
  const rows: JsonRow[] = [];
  const visit = (v: Json, key: string, path: string, depth: number, parentMark: ChangeMark | undefined): void => {
    const type = typeOf(v);
    const expandable = (type === 'object' || type === 'array') && Object.keys(v as object).length > 0;
    const mark = markOf(path, marks, parentMark);
    const explicit = expandable ? opts.isExpanded?.(path, depth, mark) : undefined;
    const expanded = expandable && (explicit ?? (depth < openDepth || mark === 'inside'));
    rows.push({ path, depth, key, type, preview: preview(v), expandable, expanded, ...(mark ? { mark } : {}) });
    if (!expanded) return;
    const entries: [string, Json][] = type === 'array' ? (v as Json[]).map((c, i) => [String(i), c]) : Object.entries(v as { [k: string]: Json });
    for (const [k, c] of entries.slice(0, maxChildren)) visit(c, k, joinPath(path, k), depth + 1, mark);
    if (entries.length > maxChildren) {
      rows.push({ path: joinPath(path, '…'), depth: depth + 1, key: '…', type: 'null', preview: `${entries.length - maxChildren} more`, expandable: false, expanded: false, more: entries.length - maxChildren });
    }
  };
  const rootPath = opts.rootPath ?? '';
  visit(root, opts.rootKey ?? rootPath, rootPath, 0, ancestorSet(rootPath, marks) ? 'self' : undefined);
  return rows;
}
