/**
 * Layout of a run tree for the branch graph: a layered ("tidy") tree read left to right. Depth in the fork tree is
 * the column; leaves take consecutive rows and a parent sits centred on its children, so edges never cross and
 * 200 sibling branches stay a readable column that the graph view pans and zooms. Siblings are ordered by fork
 * step (then id), so reading down a column follows the trace forward in time. Pure and deterministic.
 */
import { forkText } from './runLineage.js';

export interface LayoutRun {
  id: string;
  parentId?: string;
  forkSeq?: number;
}

export interface LayoutNode {
  id: string;
  x: number;
  y: number;
  depth: number;
}

export interface LayoutEdge {
  id: string;
  source: string;
  target: string;
  /** The fork step: the branch inherits the parent's events through forkSeq and owns the ones after it. */
  forkSeq?: number;
  label: string;
}

export interface GraphLayout {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  width: number;
  height: number;
}

export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  /** Horizontal space between columns (room for the edge label). */
  gapX?: number;
  gapY?: number;
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 76;

/** The fork label of an edge: the branch's first own step, worded as everywhere else (runLineage.forkText). */
export function forkLabel(forkSeq: number | undefined): string {
  return forkText(forkSeq);
}

export function layoutRunTree(runs: readonly LayoutRun[], opts: LayoutOptions = {}): GraphLayout {
  const w = opts.nodeWidth ?? NODE_WIDTH;
  const h = opts.nodeHeight ?? NODE_HEIGHT;
  const gapX = opts.gapX ?? 90;
  const gapY = opts.gapY ?? 18;

  const byId = new Map<string, LayoutRun>();
  for (const r of runs) if (!byId.has(r.id)) byId.set(r.id, r);
  const children = new Map<string, LayoutRun[]>();
  const roots: LayoutRun[] = [];
  for (const r of byId.values()) {
    // A run whose parent is not in the list (not loaded, deleted) is laid out as a root of its own.
    if (r.parentId !== undefined && r.parentId !== r.id && byId.has(r.parentId)) {
      const list = children.get(r.parentId) ?? [];
      list.push(r);
      children.set(r.parentId, list);
    } else roots.push(r);
  }
  const order = (a: LayoutRun, b: LayoutRun): number => (a.forkSeq ?? -1) - (b.forkSeq ?? -1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  for (const list of children.values()) list.sort(order);

  const rowOf = new Map<string, number>();
  const depthOf = new Map<string, number>();
  let nextRow = 0;
  // Iterative post-order walk (a long chain of branches of branches must not overflow the stack).
  const place = (root: LayoutRun): void => {
    const stack: { run: LayoutRun; depth: number; expanded: boolean }[] = [{ run: root, depth: 0, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const kids = (children.get(top.run.id) ?? []).filter((k) => !depthOf.has(k.id));
      if (!top.expanded) {
        top.expanded = true;
        depthOf.set(top.run.id, top.depth);
        for (let i = kids.length - 1; i >= 0; i--) stack.push({ run: kids[i], depth: top.depth + 1, expanded: false });
        if (kids.length > 0) continue;
      }
      stack.pop();
      const placed = (children.get(top.run.id) ?? []).filter((k) => rowOf.has(k.id) && depthOf.get(k.id) === top.depth + 1);
      rowOf.set(top.run.id, placed.length === 0 ? nextRow++ : (rowOf.get(placed[0].id)! + rowOf.get(placed[placed.length - 1].id)!) / 2);
    }
  };
  for (const root of roots.sort(order)) place(root);
  // Runs only reachable through a cycle (a damaged store) are still shown, as roots.
  for (const r of byId.values()) if (!rowOf.has(r.id)) place(r);

  const nodes: LayoutNode[] = [];
  let maxDepth = 0;
  for (const r of byId.values()) {
    const depth = depthOf.get(r.id) ?? 0;
    maxDepth = Math.max(maxDepth, depth);
    nodes.push({ id: r.id, depth, x: depth * (w + gapX), y: (rowOf.get(r.id) ?? 0) * (h + gapY) });
  }
  // Output order is the reading order (column, then row), whatever the input order was.
  nodes.sort((a, b) => a.depth - b.depth || a.y - b.y);
  const edges: LayoutEdge[] = [];
  for (const n of nodes) {
    const r = byId.get(n.id) as LayoutRun;
    if (r.parentId === undefined || !children.get(r.parentId)?.includes(r)) continue;
    edges.push({ id: `${r.parentId}->${r.id}`, source: r.parentId, target: r.id, forkSeq: r.forkSeq, label: forkLabel(r.forkSeq) });
  }
  return { nodes, edges, width: (maxDepth + 1) * w + maxDepth * gapX, height: nextRow > 0 ? nextRow * h + (nextRow - 1) * gapY : 0 };
}

/** Past this many runs, fitting the whole tree would shrink nodes below reading size. */
export const FIT_ALL_MAX = 24;

/**
 * The nodes the graph's view fits: the whole tree when it is small; in a big one the current run's neighbourhood at
 * reading size: the nodes of its column and the columns on either side (its parent, its branches) within two rows
 * of it. The rest is reached by panning or the minimap.
 */
export function focusIds(layout: GraphLayout, currentId: string, opts: { rows?: number; nodeHeight?: number; gapY?: number } = {}): string[] | undefined {
  if (layout.nodes.length <= FIT_ALL_MAX) return undefined;
  const current = layout.nodes.find((n) => n.id === currentId);
  if (!current) return undefined;
  const reach = (opts.rows ?? 2) * ((opts.nodeHeight ?? NODE_HEIGHT) + (opts.gapY ?? 18));
  return layout.nodes.filter((n) => Math.abs(n.depth - current.depth) <= 1 && Math.abs(n.y - current.y) <= reach).map((n) => n.id);
}
