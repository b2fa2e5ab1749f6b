/**
 * A run's place in its branch tree: a branch shows its ancestors' events up to its fork (timed on one axis by
 * timeAxis.ts) and can be deleted with its descendants.
 */
export interface LineageRun {
  id: string;
  parentId?: string;
  forkSeq?: number;
  startedAt: number;
}

/**
 * The runs forking from `runId`, recursively, children first (the order in which they can be deleted); each run's
 * children in the order of `runs`. The store's RunLineage.descendants() is this function over its runs' parent
 * links, so the workbench and the engine agree. A damaged parent cycle never hangs it: each run is listed once.
 */
export function descendantsOf(runs: readonly { id: string; parentId?: string }[], runId: string): string[] {
  const children = new Map<string, string[]>();
  for (const r of runs) if (r.parentId !== undefined) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r.id]);
  const out: string[] = [];
  const seen = new Set([runId]);
  // Explicit stack (a long chain of branches of branches must not overflow the call stack): each entry is a run and
  // the index of its next child to visit; a run is listed once all its children are.
  const stack: { id: string; next: number }[] = [{ id: runId, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const kids = children.get(top.id) ?? [];
    if (top.next < kids.length) {
      const child = kids[top.next++];
      if (!seen.has(child)) {
        seen.add(child);
        stack.push({ id: child, next: 0 });
      }
      continue;
    }
    stack.pop();
    if (top.id !== runId) out.push(top.id);
  }
  return out;
}
