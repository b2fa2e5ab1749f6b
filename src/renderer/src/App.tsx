import { useMemo } from 'react';
import { hostClient } from './transport/hostClient';
import { useRuns } from './features/traceList/useRuns';
import { TraceList } from './features/traceList/TraceList';

export function App(): React.JSX.Element {
  const api = useMemo(() => hostClient(), []);
  const runs = useRuns(api);
  return (
    <main className="app">
      <h1>AgentTrace</h1>
      {runs.status === 'loading' && <p>Loading traces…</p>}
      {runs.status === 'error' && <p className="error-banner">{runs.message}</p>}
      {runs.status === 'ready' && <TraceList runs={runs.runs} />}
    </main>
  );
}
