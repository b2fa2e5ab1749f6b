import { useMemo } from 'react';
import { Background, Controls, ReactFlow, type Edge, type NodeMouseHandler } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { layoutRunTree } from '../../../../shared/model/graphLayout';
import type { RunSummary } from '../../../../shared/rpc/contract';
import { RunNode, type RunNodeType } from './RunNode';
import './BranchGraph.css';

// Module scope: a new object per render would make React Flow remount every node.
const nodeTypes = { run: RunNode };

interface Props {
  runs: RunSummary[];
  currentId: string;
  onOpenRun: (runId: string) => void;
}

/** The run tree as a graph (pure view): runs are nodes, forks are edges labelled with their step. */
export function BranchGraph({ runs, currentId, onOpenRun }: Props): React.JSX.Element {
  const { nodes, edges } = useMemo(() => {
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
    return { nodes, edges };
  }, [runs, currentId]);

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
        fitViewOptions={{ padding: 0.2, maxZoom: 1.1 }}
        minZoom={0.05}
        colorMode="system"
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
