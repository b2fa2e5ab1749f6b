/**
 * `agenttrace branch list`: a run tree as ASCII (each run's id, name, the step it branches at, status, steps,
 * tokens and number of edits, in aligned columns), and the same tree as JSON. Pure: takes the tree the engine built.
 */
import type { BranchNode } from '../../engine/branches/branches.js';
import { runLabel, table } from '../format.js';

interface Row {
  tree: string;
  node: BranchNode;
}

function rows(node: BranchNode, prefix: string, connector: string, out: Row[]): void {
  out.push({ tree: connector + node.run.id, node });
  node.children.forEach((child, i) => {
    const last = i === node.children.length - 1;
    rows(child, prefix + (last ? '   ' : '│  '), prefix + (last ? '└─ ' : '├─ '), out);
  });
}

/** The tree under a trace (or any run) as aligned text lines. */
export function branchTreeText(root: BranchNode): string {
  const all: Row[] = [];
  rows(root, '', '', all);
  const body = all.map(({ tree, node }) => {
    const r = node.run;
    const isBranch = r.parentId !== undefined && r.forkSeq !== undefined;
    return [
      tree,
      isBranch ? (r.name ?? '') : runLabel(r),
      isBranch ? `step ${(r.forkSeq as number) + 1}` : '-',
      r.status,
      r.status === 'pending' ? '-' : String(r.steps),
      String(r.usage.totalTokens),
      node.edits.length ? String(node.edits.length) : '-',
    ];
  });
  return table(['RUN', 'NAME', 'FROM', 'STATUS', 'STEPS', 'TOKENS', 'EDITS'], body, [4, 5, 6]);
}

export interface BranchTreeJson {
  id: string;
  name?: string;
  parentId?: string;
  /** Last step inherited from the parent (the branch starts at forkSeq + 1). */
  forkSeq?: number;
  status: string;
  steps: number;
  exitCode: number | null;
  totalTokens: number;
  /** Edits by event seq (the normalized overrides). */
  edits: Record<string, unknown>;
  children: BranchTreeJson[];
}

export function branchTreeJson(node: BranchNode): BranchTreeJson {
  const r = node.run;
  const out: BranchTreeJson = {
    id: r.id,
    status: r.status,
    steps: r.steps,
    exitCode: r.exitCode,
    totalTokens: r.usage.totalTokens,
    edits: r.overrides ?? {},
    children: node.children.map(branchTreeJson),
  };
  if (r.name !== undefined) out.name = r.name;
  if (r.parentId !== undefined) out.parentId = r.parentId;
  if (r.forkSeq !== undefined) out.forkSeq = r.forkSeq;
  return out;
}
