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

/**
 * Fork language, one for every view (graph edge and node, run header, trace list, CLI): a branch's `forkSeq` is the
 * last step it shares with its parent, and a branch is named by its FIRST OWN step, forkSeq + 1 — the step an edit
 * at the fork replaces and the N of `branch create --step N`. Editing step 0 gives forkSeq -1: "from step 0".
 */
export function firstOwnStep(forkSeq: number): number {
  return forkSeq + 1;
}

/** "from step 100" for a branch whose own steps start at 100 (forkSeq 99); "fork" when the fork point is unknown. */
export function forkText(forkSeq: number | undefined): string {
  return forkSeq === undefined ? 'fork' : `from step ${firstOwnStep(forkSeq)}`;
}

/** What a branch takes from its parent: "steps 0–99", "step 0", or "no steps" for a branch from step 0. */
export function inheritedText(forkSeq: number): string {
  return forkSeq < 0 ? 'no steps' : forkSeq === 0 ? 'step 0' : `steps 0–${forkSeq}`;
}

/** One edit of a branch as the graph and lists show it. */
export interface EditSummary {
  seq: number;
  /** "LLM reply edited", "response replaced (HTTP 429)", "value edited". */
  what: string;
}

/** A branch's stored overrides (seq → normalized override) as edit summaries, by step. Unknown shapes read "edited". */
export function editSummaries(overrides: Readonly<Record<string, unknown>> | undefined): EditSummary[] {
  const out: EditSummary[] = [];
  for (const [k, v] of Object.entries(overrides ?? {})) {
    const seq = Number(k);
    if (!Number.isInteger(seq)) continue;
    const o = (v && typeof v === 'object' ? v : {}) as { type?: unknown; status?: unknown; reply?: { toolCalls?: unknown[] } };
    const what =
      o.type === 'reply'
        ? Array.isArray(o.reply?.toolCalls) && o.reply.toolCalls.length > 0
          ? 'LLM reply edited (tool calls)'
          : 'LLM reply edited'
        : o.type === 'response'
          ? `response replaced (HTTP ${typeof o.status === 'number' ? o.status : '?'})`
          : o.type === 'value'
            ? 'value edited'
            : 'edited';
    out.push({ seq, what });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** "step 9 · LLM reply edited", "step 9 · LLM reply edited, +2 more edits", or "no edits". */
export function editsText(edits: readonly EditSummary[] | undefined): string {
  if (!edits || edits.length === 0) return 'no edits';
  const [first] = edits;
  const more = edits.length - 1;
  return `step ${first.seq} · ${first.what}${more > 0 ? `, +${more} more edit${more === 1 ? '' : 's'}` : ''}`;
}
