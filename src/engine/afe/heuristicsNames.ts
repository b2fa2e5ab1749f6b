/**
 * code_bug: a name used but never defined (`ReferenceError: formatReprt is not defined`) that is a near miss of a name
 * the file does declare (`formatReport`): every use of the undefined name becomes the declared one. Only when exactly
 * one declared name is close (edit distance at most 1 for short names, 2 from 8 characters): a guess between several
 * is a question for the developer, not a patch. Pure, located by parsing.
 */
import { EditSet, makePatch, where, type Ctx, type HeuristicCandidate } from './heuristicKit.js';
import { findNodes, ts } from './sourceEdit.js';
import type { TS } from './sourceEdit.js';

/** Optimal string alignment distance (Levenshtein with adjacent transpositions); `max` + 1 when the lengths alone differ by more. */
export function nameDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Names a declaration binds: functions, classes, variables (destructuring too), parameters, imports. */
function declaredNames(sf: TS.SourceFile): Set<string> {
  const names = new Set<string>();
  const isDecl = (n: TS.Node): n is TS.Node =>
    ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isImportSpecifier(n) || ts.isImportClause(n) || ts.isNamespaceImport(n) || ts.isBindingElement(n);
  for (const n of findNodes(sf, isDecl)) {
    const name = (n as { name?: TS.Node }).name;
    if (name && ts.isIdentifier(name)) names.add(name.text);
  }
  return names;
}

export function misspeltName(ctx: Ctx): HeuristicCandidate | null {
  const err = ctx.input.failure.error;
  const missing = err?.name === 'ReferenceError' ? /^([A-Za-z_$][\w$]*) is not defined$/.exec(err.message)?.[1] : undefined;
  const src = ctx.frameSrc;
  if (!missing || !src || missing.length < 3) return null;
  const declared = declaredNames(src.sf);
  if (declared.has(missing)) return null;
  const max = missing.length >= 8 ? 2 : 1;
  const near = [...declared].filter((n) => n !== missing && nameDistance(missing, n, max) <= max);
  if (near.length !== 1) return null;
  const [name] = near;
  // Uses of the undefined name: identifiers in value position (not a property name `x.missing`, not a key `missing:`).
  const uses = findNodes(src.sf, (n): n is TS.Identifier => ts.isIdentifier(n) && n.text === missing).filter((id) => {
    const p = id.parent;
    return !(ts.isPropertyAccessExpression(p) && p.name === id) && !(ts.isPropertyAssignment(p) && p.name === id);
  });
  if (uses.length === 0) return null;
  const edits = new EditSet();
  for (const id of uses) edits.add(src, { start: id.getStart(src.sf), end: id.getEnd(), text: name });
  return makePatch(edits.map, {
    strategy: 'code_patch',
    title: `Call ${name}, not the undefined ${missing} (${where(src, ctx.line)})`,
    rationale: `${missing} is not defined anywhere in the file, and ${name}, declared in it, differs by a typo; ${uses.length === 1 ? 'its one use is' : `its ${uses.length} uses are`} renamed.`,
    specificity: 0.9,
    safety: 0.7,
  });
}
