import { useEffect, useMemo } from 'react';
import { Background, Controls, MiniMap, ReactFlow, useReactFlow, useStore, type Edge, type FitViewOptions, type NodeMouseHandler } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { focusIds, layoutRunTree } from '../../../../shared/model/graphLayout';
import type { RunSummary } from '../../../../shared/rpc/contract';
import { RunNode, type RunNodeType } from './RunNode';
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

  return (
    <div className="branch-graph" aria-label="Branch graph">
      <ReactFlow<RunNodeType, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
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
