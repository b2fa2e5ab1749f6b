import type { StateView } from '../../../../shared/rpc/contract';
import { shortUrl } from './StateTab';
import './StackTab.css';

/** The call stack captured at the step's keyframe (pure view). */
export function StackTab({ state }: { state: StateView }): React.JSX.Element {
  if (state.stack.length === 0) return <p className="st-muted">No stack captured at this step.</p>;
  return (
    <ol className="stack-tab mono" aria-label="Call stack">
      {state.stack.map((f, i) => (
        <li key={i} title={f.url}>
          <span className="stack-fn">{f.functionName || '<anonymous>'}</span>{' '}
          <span className="st-muted">
            {shortUrl(f.url)}:{f.line}:{f.column}
          </span>
        </li>
      ))}
    </ol>
  );
}
