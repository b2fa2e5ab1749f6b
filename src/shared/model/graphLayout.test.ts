import { describe, expect, it } from 'vitest';
import { FIT_ALL_MAX, focusIds, forkLabel, layoutRunTree, NODE_HEIGHT, NODE_WIDTH, type LayoutNode, type LayoutRun } from './graphLayout.js';

const overlaps = (a: LayoutNode, b: LayoutNode): boolean => Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;

function assertReadable(nodes: LayoutNode[]): void {
  const bad: string[] = [];
  for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) if (overlaps(nodes[i], nodes[j])) bad.push(`${nodes[i].id} overlaps ${nodes[j].id}`);
  expect(bad).toEqual([]);
}

describe('layoutRunTree', () => {
  it('puts a trace left of its branches, siblings in fork order, the parent centred on its children', () => {
    const runs: LayoutRun[] = [
      { id: 't' },
      { id: 't__late', parentId: 't', forkSeq: 9 },
      { id: 't__early', parentId: 't', forkSeq: 2 },
      { id: 't__early__x', parentId: 't__early', forkSeq: 4 },
    ];
    const g = layoutRunTree(runs);
    const at = Object.fromEntries(g.nodes.map((n) => [n.id, n]));
    expect(at.t.depth).toBe(0);
    expect(at['t__early'].depth).toBe(1);
    expect(at['t__early__x'].depth).toBe(2);
    expect(at['t__early'].x).toBeGreaterThan(at.t.x + NODE_WIDTH);
    expect(at['t__early'].y).toBeLessThan(at['t__late'].y);
    expect(at.t.y).toBe((at['t__early'].y + at['t__late'].y) / 2);
    expect(g.edges.map((e) => [e.source, e.target, e.label]).sort()).toEqual([
      ['t', 't__early', 'from step 3'],
      ['t', 't__late', 'from step 10'],
      ['t__early', 't__early__x', 'from step 5'],
    ]);
    expect(g.width).toBeGreaterThanOrEqual(at['t__early__x'].x + NODE_WIDTH);
    assertReadable(g.nodes);
  });

  it('keeps 200 branches (some nested) free of overlaps, within its bounds, and is deterministic', () => {
    const runs: LayoutRun[] = [{ id: 'root' }];
    for (let i = 0; i < 200; i++) {
      const parent = i % 7 === 6 ? `b${i - 1}` : 'root';
      runs.push({ id: `b${i}`, parentId: parent, forkSeq: (i * 37) % 101 });
    }
    const g = layoutRunTree(runs);
    expect(g.nodes).toHaveLength(201);
    expect(g.edges).toHaveLength(200);
    assertReadable(g.nodes);
    for (const n of g.nodes) {
      expect(n.x + NODE_WIDTH).toBeLessThanOrEqual(g.width);
      expect(n.y + NODE_HEIGHT).toBeLessThanOrEqual(g.height);
    }
    // Every child sits one column right of its parent.
    const at = new Map(g.nodes.map((n) => [n.id, n]));
    for (const e of g.edges) expect(at.get(e.target)!.depth).toBe(at.get(e.source)!.depth + 1);
    expect(layoutRunTree([...runs].reverse())).toEqual(g);
  });

  it('lays out orphans (parent not loaded) and parent cycles as roots instead of failing', () => {
    const g = layoutRunTree([
      { id: 'a', parentId: 'missing', forkSeq: 1 },
      { id: 'c1', parentId: 'c2', forkSeq: 1 },
      { id: 'c2', parentId: 'c1', forkSeq: 1 },
      { id: 'self', parentId: 'self' },
    ]);
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['a', 'c1', 'c2', 'self']);
    assertReadable(g.nodes);
    expect(g.edges.find((e) => e.source === 'self')).toBeUndefined();
  });

  it('handles an empty tree and a deep chain', () => {
    expect(layoutRunTree([])).toEqual({ nodes: [], edges: [], width: NODE_WIDTH, height: 0 });
    const chain: LayoutRun[] = [{ id: 'r0' }];
    for (let i = 1; i < 5000; i++) chain.push({ id: `r${i}`, parentId: `r${i - 1}`, forkSeq: i });
    const g = layoutRunTree(chain);
    expect(g.nodes.find((n) => n.id === 'r4999')?.depth).toBe(4999);
    expect(new Set(g.nodes.map((n) => n.y)).size).toBe(1);
  });

  it('labels edges with the fork step', () => {
    expect(forkLabel(7)).toBe('from step 8');
    expect(forkLabel(-1)).toBe('from step 0');
    expect(forkLabel(undefined)).toBe('fork');
  });
});

describe('focusIds', () => {
  const tree = (n: number): LayoutRun[] => [{ id: 't' }, ...Array.from({ length: n }, (_, i) => ({ id: `t__b${i}`, parentId: 't', forkSeq: i }))];

  it('fits a small tree whole', () => {
    expect(focusIds(layoutRunTree(tree(3)), 't__b1')).toBeUndefined();
  });

  it('fits a big tree around the current run: its parent and the branches within two rows of it', () => {
    const g = layoutRunTree(tree(200));
    const root = focusIds(g, 't') as string[];
    expect(root).toContain('t');
    expect(root.length).toBeGreaterThan(1);
    expect(root.length).toBeLessThanOrEqual(6);
    const y = (id: string): number => g.nodes.find((n) => n.id === id)?.y as number;
    for (const id of root) expect(Math.abs(y(id) - y('t'))).toBeLessThanOrEqual(2 * (NODE_HEIGHT + 18));
    const first = focusIds(g, 't__b0') as string[];
    expect(first).toEqual(['t__b0', 't__b1', 't__b2']);
    expect(focusIds(g, 'unknown')).toBeUndefined();
    expect(FIT_ALL_MAX).toBeLessThan(200);
  });
});
