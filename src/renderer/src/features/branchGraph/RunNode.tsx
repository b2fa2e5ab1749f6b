import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { RunSummary } from '../../../../shared/rpc/contract';
import { costText, runLabel, usageScope } from '../format';
import './RunNode.css';

export interface RunNodeData extends Record<string, unknown> {
  run: RunSummary;
  /** The run shown on the Trace screen right now. */
  current: boolean;
}

export type RunNodeType = Node<RunNodeData, 'run'>;

/** What a screen reader says for a run's node (it is a button: Enter opens the run). */
export function runNodeLabel(run: RunSummary, current: boolean): string {
  const what = run.status === 'pending' ? 'not run yet' : `${run.status}, ${run.steps} steps`;
  return `${current ? 'Current run' : 'Open run'} ${runLabel(run)}: ${what}`;
}

/** One run of the tree: name, status colour, steps, tokens and cost. Memoized: the graph re-renders on every pan. */
export const RunNode = memo(function RunNode({ data }: NodeProps<RunNodeType>): React.JSX.Element {
  const { run, current } = data;
  return (
    <div className={`run-node status-edge-${run.status}${current ? ' run-node-current' : ''}`} data-run-id={run.id} title={run.id}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="run-node-head">
        <span className={`run-node-dot dot-${run.status}`} aria-hidden="true" />
        <span className="run-node-name">{runLabel(run)}</span>
      </div>
      {run.status === 'pending' ? (
        <div className="run-node-meta">
          <span>not run yet</span>
          <span title="Open it and press Run branch (or: agenttrace branch run)">edits from step {(run.forkSeq ?? -1) + 1}</span>
        </div>
      ) : (
        <div className="run-node-meta">
          <span>{run.status}</span>
          <span>{run.steps} steps</span>
          <span title={`Tokens and cost of ${usageScope(run)}`}>
            {run.totalTokens} tok · {costText(run)}
          </span>
        </div>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});
