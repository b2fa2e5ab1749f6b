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

/** The runs forking from `runId`, recursively (what deleting it with its branches removes). */
export function descendantsOf(runs: readonly { id: string; parentId?: string }[], runId: string): string[] {
  const children = new Map<string, string[]>();
  for (const r of runs) if (r.parentId !== undefined) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r.id]);
  const out: string[] = [];
  const stack = [...(children.get(runId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.includes(id) || id === runId) continue;
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}
