import { useEffect, useMemo, useState } from 'react';
import { useHashRoute } from './app/useHashRoute';
import { Placeholder } from './components/Placeholder';
import { FixReviewScreen } from './features/fixReview/FixReviewScreen';
import { FixStartScreen } from './features/fixReview/FixStartScreen';
import { SettingsDialog } from './features/settings/SettingsDialog';
import { useAiSettings } from './features/settings/useAiSettings';
import { TraceScreen } from './features/trace/TraceScreen';
import { TracesScreen } from './features/traceList/TracesScreen';
import { connectHost, type Host } from './transport/hostClient';

export function App(): React.JSX.Element {
  const host = useMemo(() => connectHost(), []);
  const [route, navigate] = useHashRoute();
  const [settingsOpen, setSettingsOpen] = useState(false);
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
        {host && (
          <button type="button" className="btn app-settings" aria-haspopup="dialog" onClick={() => setSettingsOpen(true)}>
            Settings
          </button>
        )}
      </header>
      {host && settingsOpen && <Settings host={host} onClose={() => setSettingsOpen(false)} />}
      <main className="app-main">
        {!host ? (
          <Placeholder kind="error">No host connection: open the URL that `agenttrace ui` printed (it carries the access token).</Placeholder>
        ) : route.screen === 'run' ? (
          <TraceScreen api={host.api} subscribe={host.subscribe} runId={route.runId} step={route.step} compare={route.compare} navigate={navigate} />
        ) : route.screen === 'fixStart' ? (
          <FixStartScreen api={host.api} runId={route.runId} navigate={navigate} />
        ) : route.screen === 'fix' ? (
          <FixReviewScreen api={host.api} subscribe={host.subscribe} fixId={route.fixId} navigate={navigate} />
        ) : (
          <TracesScreen api={host.api} subscribe={host.subscribe} onOpen={(runId) => navigate({ screen: 'run', runId })} onFix={(runId) => navigate({ screen: 'fixStart', runId })} onOpenFix={(fixId) => navigate({ screen: 'fix', fixId })} />
        )}
      </main>
    </div>
  );
}

/** The settings dialog with its data (loaded when it opens). */
function Settings({ host, onClose }: { host: Host; onClose: () => void }): React.JSX.Element {
  const state = useAiSettings(host.api);
  return <SettingsDialog state={state} onClose={onClose} />;
}
