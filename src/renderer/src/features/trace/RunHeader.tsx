import type { RunDetail } from '../../../../shared/rpc/contract';
import { forkText, inheritedText } from '../../../../shared/model/runLineage';
import { StatusBadge } from '../../components/StatusBadge';
import { costText, formatDuration, runLabel, usageScope } from '../format';
import './RunHeader.css';

interface Props {
  run?: RunDetail;
  onBack: () => void;
  onOpenRun: (runId: string) => void;
}

/** The Trace screen's header (pure view): which run, how it ended, its totals, where it forks from. */
export function RunHeader({ run, onBack, onOpenRun }: Props): React.JSX.Element {
  return (
    <header className="run-header">
      <button type="button" className="btn" onClick={onBack} aria-label="Back to traces">
        ← Traces
      </button>
      {run ? (
        <>
          <h2 className="rh-name" title={run.id}>
            {runLabel(run)}
          </h2>
          <StatusBadge status={run.status} />
          <dl className="rh-facts">
            <div>
              <dt>Steps</dt>
              <dd>{run.steps}</dd>
            </div>
            <div>
              <dt>LLM calls</dt>
              <dd>{run.llmCalls}</dd>
            </div>
            <div title={`LLM calls, tokens and cost of ${usageScope(run)}`}>
              <dt>{run.parentId ? 'Tokens (own)' : 'Tokens'}</dt>
              <dd>{run.totalTokens}</dd>
            </div>
            <div title={`LLM calls, tokens and cost of ${usageScope(run)}`}>
              <dt>Cost</dt>
              <dd>{costText(run)}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{run.endedAt !== undefined ? formatDuration(run.endedAt - run.startedAt) : '—'}</dd>
            </div>
            {run.exitCode !== null && run.exitCode !== undefined && (
              <div>
                <dt>Exit</dt>
                <dd>{run.exitCode}</dd>
              </div>
            )}
          </dl>
          {run.parentId && (
            <button
              type="button"
              className="rh-fork"
              onClick={() => onOpenRun(run.parentId as string)}
              title={run.forkSeq === undefined ? `Open ${run.parentId}` : `Open ${run.parentId}: ${inheritedText(run.forkSeq)} replayed from it; this branch's own steps start at step ${run.forkSeq + 1}`}
            >
              branch of {run.parentId}, {forkText(run.forkSeq)}
            </button>
          )}
          {run.warnings.length > 0 && (
            <span className="rh-warn" title={run.warnings.join('\n')}>
              {run.warnings.length} warning{run.warnings.length === 1 ? '' : 's'}
            </span>
          )}
          <span className="rh-script mono" title={run.scriptPath}>
            {run.scriptPath}
          </span>
        </>
      ) : (
        <span className="rh-loading">Loading run…</span>
      )}
    </header>
  );
}
