import { useMemo } from 'react';
import { changeMarks } from '../../../../shared/model/jsonTree';
import type { Json, StateView } from '../../../../shared/rpc/contract';
import { JsonTree } from './JsonTree';
import './StateTab.css';

/** Tracked state, globals and locals at the step (pure view), with what changed since the step before. */
export function StateTab({ state }: { state: StateView }): React.JSX.Element {
  const marks = useMemo(() => changeMarks(state.changedPaths), [state.changedPaths]);
  const n = state.changedPaths.length;
  const hasTracked = Object.keys(state.tracked).length > 0;
  const hasGlobals = Object.keys(state.globals).length > 0;
  return (
    <div className="state-tab">
      <p className="st-note">
        {n === 0 ? 'Nothing changed since the previous step.' : `${n} change${n === 1 ? '' : 's'} since the previous step (highlighted): `}
        {n > 0 && <span className="mono st-paths">{changedSummary(state.changedPaths)}.</span>}{' '}
        <span className="st-muted">{state.keyframeSeq === null ? 'Deltas only (no keyframe yet).' : `Keyframe at step ${state.keyframeSeq} plus deltas.`}</span>
      </p>
      <section className="st-section" data-testid="state-tracked">
        <h3>Tracked state</h3>
        {hasTracked ? (
          <JsonTree value={state.tracked} rootPath="tracked" label="tracked" marks={marks} openDepth={3} />
        ) : (
          <p className="st-muted">
            Nothing tracked at this step. Use <code>track(name, value)</code> from <code>agenttrace/sdk</code> to follow a value.
          </p>
        )}
      </section>
      <section className="st-section">
        <h3>Globals</h3>
        {hasGlobals ? <JsonTree value={state.globals} rootPath="globals" label="globals" marks={marks} openDepth={2} /> : <p className="st-muted">No user globals.</p>}
      </section>
      <section className="st-section">
        <h3>Locals</h3>
        {state.frames.length === 0 && <p className="st-muted">No locals captured at this step (they are captured at keyframes and LLM calls).</p>}
        {state.frames.map((f, i) => (
          <div key={i} className="st-frame">
            <div className="st-frame-name mono">
              {f.functionName || '<anonymous>'} <span className="st-muted">{shortUrl(f.url)}:{f.line}</span>
            </div>
            <JsonTree value={f.locals as Json} rootPath={`frames.${i}.locals`} label="locals" marks={marks} />
          </div>
        ))}
      </section>
    </div>
  );
}

/** The first changed paths, frames' locals named as such. */
function changedSummary(paths: string[]): string {
  const named = paths.map((p) => p.replace(/^frames(\.\d+)?(\.locals)?/, 'locals'));
  return [...new Set(named)].slice(0, 4).join(', ') + (paths.length > 4 ? ', …' : '');
}

export function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}
