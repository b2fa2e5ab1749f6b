import { useEffect, useMemo } from 'react';
import { useHashRoute } from './app/useHashRoute';
import { Placeholder } from './components/Placeholder';
import { TraceScreen } from './features/trace/TraceScreen';
import { TracesScreen } from './features/traceList/TracesScreen';
import { connectHost } from './transport/hostClient';

export function App(): React.JSX.Element {
  const host = useMemo(() => connectHost(), []);
  const [route, navigate] = useHashRoute();
  // The desktop host opens runs itself (a file opened from the OS or the menu, a recording started from the menu).
  useEffect(() => host?.subscribe((e) => e.type === 'openRun' && navigate({ screen: 'run', runId: e.data.runId })), [host, navigate]);
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          <a href="#/" onClick={(e) => (e.preventDefault(), navigate({ screen: 'traces' }))}>
            AgentTrace
          </a>
        </h1>
      </header>
      <main className="app-main">
        {!host ? (
          <Placeholder kind="error">No host connection: open the URL that `agenttrace ui` printed (it carries the access token).</Placeholder>
        ) : route.screen === 'run' ? (
          <TraceScreen api={host.api} subscribe={host.subscribe} runId={route.runId} step={route.step} navigate={navigate} />
        ) : (
          <TracesScreen api={host.api} subscribe={host.subscribe} onOpen={(runId) => navigate({ screen: 'run', runId })} />
        )}
      </main>
    </div>
  );
}
