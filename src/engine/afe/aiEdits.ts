/**
 * Turns the model's search/replace edits into full new file texts, and drops candidates that cannot be trusted:
 * edits of files that were not given, search text that is not found or not unique, results that do not parse or
 * change nothing. The model saw the files masked (aiMask.ts), so a search may contain `***` where the user's file
 * holds a secret: *** then matches that text on one line, and a *** in the replacement puts the same text back, so a
 * patch never writes the placeholder into a user's file and never loses the user's own literal.
 */
import path from 'node:path';
import { MASK } from '../../shared/trace/redact.js';
import type { FixStrategy } from '../../shared/afe/types.js';
import type { AiEdit, AiRawCandidate } from './aiSchema.js';
import { checkSyntax } from './syntaxCheck.js';
import type { PromptMasker } from './aiMask.js';

/** A candidate from the model, checked: every file is one of the given files, with its full new text. */
export interface AiCandidate {
  strategy: FixStrategy;
  title: string;
  rationale: string;
  /** Full new text per changed file; `path` is exactly the path of one of the given files. */
  files: { path: string; after: string }[];
}

/** A file the model may edit: its path as given, the name it was shown under in the prompt, its text. */
export interface EditableFile {
  path: string;
  shown: string;
  text: string;
}

export type EditResult = { ok: true; text: string } | { ok: false; reason: string };

const countOf = (text: string, part: string): number => (part ? text.split(part).length - 1 : 0);
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Line-number prefixes of the prompt's excerpts (`> 14 | `, `  7 | `), which a model sometimes copies. */
const LINE_NO = /^\s*>?\s*\d+\s*\|\s?/;

/** Applies one search/replace to LF text. */
export function applyEdit(text: string, edit: Pick<AiEdit, 'search' | 'replace'>, shown: string): EditResult {
  const { search, replace } = edit;
  if (search.trim() === '') return { ok: false, reason: `an edit of ${shown} has an empty search text` };

  const exact = countOf(text, search);
  if (exact === 1) {
    const i = text.indexOf(search);
    return { ok: true, text: text.slice(0, i) + replace + text.slice(i + search.length) };
  }
  if (exact > 1) return { ok: false, reason: `search text occurs ${exact} times in ${shown}` };

  if (search.includes(MASK)) {
    // Each *** stands for the masked text on its own line; the replacement's *** get it back in order.
    const re = new RegExp(search.split(MASK).map(escapeRe).join('([^\\r\\n]*?)'), 'g');
    const matches = [...text.matchAll(re)];
    if (matches.length === 1) {
      const m = matches[0];
      const held = m.slice(1);
      const parts = replace.split(MASK);
      if (parts.length - 1 > held.length) return { ok: false, reason: `an edit of ${shown} would write a masked placeholder (${MASK})` };
      const restored = parts.reduce((acc, part, k) => acc + (k > 0 ? held[k - 1] : '') + part, '');
      const at = m.index ?? 0;
      return { ok: true, text: text.slice(0, at) + restored + text.slice(at + m[0].length) };
    }
    if (matches.length > 1) return { ok: false, reason: `search text occurs ${matches.length} times in ${shown}` };
  }

  return applyByLines(text, search, replace, shown);
}

/**
 * Fallback: the same lines up to indentation and trailing spaces (and without copied line numbers). Models re-indent
 * more often than they change words; the replacement goes in as given.
 */
function applyByLines(text: string, search: string, replace: string, shown: string): EditResult {
  let want = search.replace(/\n+$/, '').split('\n');
  const numbered = want.filter((l) => l.trim()).every((l) => LINE_NO.test(l));
  let repl = replace;
  if (numbered) {
    want = want.map((l) => l.replace(LINE_NO, ''));
    if (replace.split('\n').filter((l) => l.trim()).every((l) => LINE_NO.test(l))) repl = replace.split('\n').map((l) => l.replace(LINE_NO, '')).join('\n');
  }
  const norm = (l: string): string => l.trim();
  const target = want.map(norm);
  while (target.length && target[0] === '') target.shift();
  if (!target.length) return { ok: false, reason: `an edit of ${shown} has an empty search text` };
  const lines = text.split('\n');
  const hits: number[] = [];
  for (let i = 0; i + target.length <= lines.length; i++) {
    let same = true;
    for (let k = 0; k < target.length && same; k++) same = norm(lines[i + k]) === target[k];
    if (same) hits.push(i);
  }
  if (hits.length === 0) return { ok: false, reason: `search text not found in ${shown}` };
  if (hits.length > 1) return { ok: false, reason: `search text occurs ${hits.length} times in ${shown}` };
  if (repl.includes(MASK)) return { ok: false, reason: `an edit of ${shown} would write a masked placeholder (${MASK})` };
  const start = hits[0];
  const kept = [...lines.slice(0, start), ...repl.replace(/\n$/, '').split('\n'), ...lines.slice(start + target.length)];
  return { ok: true, text: kept.join('\n') };
}

/** Finds the given file an edit names: as shown in the prompt, absolute, or relative to the run's folder. */
export function resolveEditPath(p: string, files: EditableFile[], runCwd: string): EditableFile | undefined {
  const clean = p.trim().replace(/^file:\/\//, '');
  const bare = clean.replace(/^\.\//, '');
  return (
    files.find((f) => f.shown === clean || f.shown === bare || f.path === clean) ??
    files.find((f) => path.resolve(runCwd, clean) === path.resolve(runCwd, f.path))
  );
}

/** Applies every candidate's edits; keeps the ones that touch only given files, change something and still parse. */
export async function buildAiCandidates(
  raw: AiRawCandidate[],
  files: EditableFile[],
  runCwd: string,
  mask: PromptMasker,
): Promise<{ candidates: AiCandidate[]; notes: string[] }> {
  const candidates: AiCandidate[] = [];
  const notes: string[] = [];
  for (const [i, c] of raw.entries()) {
    const label = `AI candidate ${i + 1} ("${mask(c.title).slice(0, 60)}")`;
    const built = await buildOne(c, files, runCwd, mask);
    if ('reason' in built) notes.push(`${label} dropped: ${built.reason}`);
    else candidates.push(built);
  }
  return { candidates, notes };
}

async function buildOne(c: AiRawCandidate, files: EditableFile[], runCwd: string, mask: PromptMasker): Promise<AiCandidate | { reason: string }> {
  const work = new Map<EditableFile, string>();
  for (const edit of c.edits) {
    const file = resolveEditPath(edit.path, files, runCwd);
    if (!file) return { reason: `it edits a file that was not given (${mask(edit.path).slice(0, 120)})` };
    const current = work.get(file) ?? file.text.replace(/\r\n/g, '\n');
    const res = applyEdit(current, { search: edit.search.replace(/\r\n/g, '\n'), replace: edit.replace.replace(/\r\n/g, '\n') }, file.shown);
    if (!res.ok) return { reason: res.reason };
    work.set(file, res.text);
  }
  const out: AiCandidate['files'] = [];
  for (const [file, lf] of work) {
    const after = file.text.includes('\r\n') ? lf.replace(/\n/g, '\r\n') : lf;
    if (after === file.text) continue;
    if (countOf(after, MASK) > countOf(file.text, MASK)) return { reason: `it would write a masked placeholder (${MASK}) into ${file.shown}` };
    const syntax = await checkSyntax(file.path, after);
    if (!syntax.ok) return { reason: `${file.shown} no longer parses (${mask(syntax.message).slice(0, 160)})` };
    out.push({ path: file.path, after });
  }
  if (!out.length) return { reason: 'it changes nothing' };
  return { strategy: c.strategy, title: mask(c.title), rationale: mask(c.rationale), files: out };
}
