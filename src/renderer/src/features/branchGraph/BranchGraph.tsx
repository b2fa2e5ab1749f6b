import { useEffect, useMemo } from 'react';
import { Background, Controls, MiniMap, ReactFlow, useReactFlow, useStore, type Edge, type FitViewOptions, type NodeMouseHandler } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { NODE_HEIGHT, focusIds, layoutRunTree } from '../../../../shared/model/graphLayout';
import type { RunSummary } from '../../../../shared/rpc/contract';
import { RunNode, runNodeLabel, type RunNodeType } from './RunNode';
import './BranchGraph.css';

// Module scope: a new object per render would make React Flow remount every node.
const nodeTypes = { run: RunNode };

const FIT_BASE = { padding: 0.2, maxZoom: 1.1 } as const;
/** A big tree's neighbourhood view never zooms out below reading size; it may cut the farthest neighbours. */
const FIT_FOCUS = { padding: 0.1, minZoom: 0.85, maxZoom: 1 } as const;

/**
 * Keeps the graph fitted when its pane is resized, a run is added (a new branch appears in view) or another run is
 * shown; status changes alone leave the user's pan and zoom alone.
 */
function FitOnChange({ options, fitKey }: { options: FitViewOptions; fitKey: string }): null {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  useEffect(() => {
    if (width > 0 && height > 0) void fitView(options);
    // options is derived from fitKey; listing it would refit on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [width, height, fitKey, fitView]);
  return null;
}

/** Room the graph pane needs besides the tree: the fit padding and the zoom controls (3 buttons, bottom left). */
const PANE_CHROME_PX = 60;
const CONTROLS_PX = 110;

/**
 * The height the branch graph pane needs for this tree: its rows at the fit zoom with padding, never less than the
 * zoom controls. A lone run or a small tree then leaves the rest of the column to the inspector.
 */
export function graphPaneHeight(runs: readonly RunSummary[]): number {
  if (runs.length === 0) return CONTROLS_PX + PANE_CHROME_PX;
  // The screen passes the same (memoized) array on every render (each j/k): lay a big tree out once.
  const known = paneHeights.get(runs);
  if (known !== undefined) return known;
  const layout = layoutRunTree(runs);
  const top = Math.min(...layout.nodes.map((n) => n.y));
  const bottom = Math.max(...layout.nodes.map((n) => n.y + NODE_HEIGHT));
  const content = (bottom - top) * FIT_BASE.maxZoom;
  const height = Math.ceil(Math.max(CONTROLS_PX, content) * (1 + 2 * FIT_BASE.padding) + PANE_CHROME_PX / 2);
  paneHeights.set(runs, height);
  return height;
}

const paneHeights = new WeakMap<readonly RunSummary[], number>();

interface Props {
  runs: RunSummary[];
  currentId: string;
  onOpenRun: (runId: string) => void;
}

/** The run tree as a graph (pure view): runs are nodes, forks are edges labelled with their step. */
export function BranchGraph({ runs, currentId, onOpenRun }: Props): React.JSX.Element {
  const { nodes, edges, focus } = useMemo(() => {
    const layout = layoutRunTree(runs);
    const byId = new Map(runs.map((r) => [r.id, r]));
    const nodes: RunNodeType[] = layout.nodes.map((n) => ({
      id: n.id,
      type: 'run',
      position: { x: n.x, y: n.y },
      data: { run: byId.get(n.id) as RunSummary, current: n.id === currentId },
      draggable: false,
      connectable: false,
      // Tab reaches each run; Enter or Space opens it (onKeyDown below).
      focusable: true,
      ariaRole: 'button' as const,
      ariaLabel: runNodeLabel(byId.get(n.id) as RunSummary, n.id === currentId),
    }));
    const edges: Edge[] = layout.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      label: e.label,
      type: 'smoothstep',
      className: 'fork-edge',
      labelBgPadding: [6, 2] as [number, number],
      labelBgBorderRadius: 4,
    }));
    return { nodes, edges, focus: focusIds(layout, currentId) };
  }, [runs, currentId]);
  const fitOptions: FitViewOptions = useMemo(() => (focus ? { ...FIT_FOCUS, nodes: focus.map((id) => ({ id })) } : FIT_BASE), [focus]);
  const fitKey = `${runs.length}:${currentId}`;

  const onNodeClick: NodeMouseHandler<RunNodeType> = (_e, node) => onOpenRun(node.id);
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>): void => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const node = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
    const id = node?.dataset.id;
    if (!id) return;
    e.preventDefault();
    onOpenRun(id);
  };

  return (
    <div className="branch-graph" role="region" aria-label="Branch graph" onKeyDown={onKeyDown}>
      <ReactFlow<RunNodeType, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        nodesFocusable
        edgesFocusable={false}
        onlyRenderVisibleElements={runs.length > 60}
        fitView
        fitViewOptions={fitOptions}
        minZoom={0.05}
        colorMode="system"
      >
        <FitOnChange options={fitOptions} fitKey={fitKey} />
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        {focus && <MiniMap pannable zoomable ariaLabel="Branch graph overview" nodeStrokeWidth={3} style={{ width: 120, height: 80 }} />}
      </ReactFlow>
    </div>
  );
}
