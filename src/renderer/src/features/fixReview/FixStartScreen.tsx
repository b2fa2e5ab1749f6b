import { useEffect, useState } from 'react';
import type { WorkbenchApi } from '../../../../shared/rpc/contract';
import type { Navigate } from '../../app/useHashRoute';
import { Placeholder } from '../../components/Placeholder';
import { errorText } from '../format';
import { startFixOnce } from './useFixReview';

interface Props {
  api: WorkbenchApi;
  runId: string;
  navigate: Navigate;
}

/** `#/run/<id>/fix`: starts a fix of the run and replaces the URL with the fix's own (Back returns to where Fix… was pressed). */
export function FixStartScreen({ api, runId, navigate }: Props): React.JSX.Element {
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    startFixOnce(api, runId).then(
      (r) => live && navigate({ screen: 'fix', fixId: r.fixId }, { replace: true }),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [api, runId, navigate]);
  return (
    <section className="fix-review" aria-label="Fix review">
      {error ? (
        <div>
          <Placeholder kind="error">Could not start a fix of {runId}: {error}</Placeholder>
          <p style={{ textAlign: 'center' }}>
            <button type="button" className="btn" onClick={() => navigate({ screen: 'run', runId })}>
              Back to the trace
            </button>
          </p>
        </div>
      ) : (
        <Placeholder kind="loading">Starting a fix of {runId}…</Placeholder>
      )}
    </section>
  );
}
