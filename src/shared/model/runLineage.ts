/**
 * Which run recorded each step of a run's timeline: a branch shows its ancestors' events up to its fork, and those
 * were recorded by the ancestors, at their times. Times on the timeline are relative to the start of the run that
 * recorded the step, so inherited steps read as they did in the original recording.
 */
export interface LineageRun {
  id: string;
  parentId?: string;
  forkSeq?: number;
  startedAt: number;
}

/** seq → start time of the run that recorded it; `fallback` when runId is not among `runs` (tree still loading). */
export function recordingStartOf(runs: readonly LineageRun[], runId: string, fallback: number): (seq: number) => number {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const chain: LineageRun[] = [];
  for (let r = byId.get(runId); r && chain.length <= runs.length; r = r.parentId === undefined ? undefined : byId.get(r.parentId)) chain.push(r);
  if (chain.length === 0) return () => fallback;
  return (seq) => {
    let i = 0;
    // Up the chain while the step is inherited (at or before this run's fork) and the parent is known.
    while (i + 1 < chain.length && chain[i].forkSeq !== undefined && seq <= (chain[i].forkSeq as number)) i++;
    return chain[i].startedAt;
  };
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
