import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { RunSummary } from '../../../../shared/rpc/contract';
import { editsText, forkText } from '../../../../shared/model/runLineage';
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
  const edits = run.edits ?? [];
  const branch = run.parentId !== undefined;
  return (
    <div className={`run-node status-edge-${run.status}${current ? ' run-node-current' : ''}${branch ? ' run-node-branch' : ''}`} data-run-id={run.id} title={run.id}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="run-node-head">
        <span className={`run-node-dot dot-${run.status}`} aria-hidden="true" />
        <span className="run-node-name">{runLabel(run)}</span>
      </div>
      {run.status === 'pending' ? (
        <div className="run-node-meta">
          <span>not run yet</span>
          <span title="Open it and press Run branch (or: agenttrace branch run)">{forkText(run.forkSeq)}</span>
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
      {branch && (
        <div className="run-node-edits" title={edits.map((e) => `step ${e.seq}: ${e.what}`).join('\n') || 'No event of this branch was edited (a resume, or a branch not edited yet)'}>
          {edits.length > 0 ? editsText(edits) : run.status === 'pending' ? 'no edits yet' : `${forkText(run.forkSeq)} · no edits`}
        </div>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});
