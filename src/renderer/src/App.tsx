import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { AccessProblem } from './app/AccessProblem';
import { ShortcutHelp, isTyping } from './app/ShortcutHelp';
import { useFocusOnOpen } from './app/useFocusOnOpen';
import { useHashRoute } from './app/useHashRoute';
import { useWindowDrop } from './app/useWindowDrop';
import { FixReviewScreen } from './features/fixReview/FixReviewScreen';
import { FixStartScreen } from './features/fixReview/FixStartScreen';
import { SettingsDialog } from './features/settings/SettingsDialog';
import { useAiSettings } from './features/settings/useAiSettings';
import { TraceScreen } from './features/trace/TraceScreen';
import { DropBanner } from './features/traceList/DropBanner';
import { TracesScreen } from './features/traceList/TracesScreen';
import { useTraceDrop } from './features/traceList/useTraceDrop';
import { connectHost, type Host } from './transport/hostClient';

export function App(): React.JSX.Element {
  const host = useMemo(() => connectHost(), []);
  if (!host) {
    return <AccessProblemPage problem="missing" />;
  }
  return <Workbench host={host} />;
}

/** The whole window when the workbench cannot reach its host: the header and what to do. */
function AccessProblemPage({ problem }: { problem: 'missing' | 'unauthorized' }): React.JSX.Element {
  return (
    <div className="app">
      <AppHeader />
      <main className="app-main">
        <AccessProblem problem={problem} />
      </main>
    </div>
  );
}

function AppHeader({ onHome, children }: { onHome?: () => void; children?: React.ReactNode }): React.JSX.Element {
  return (
    <header className="app-header">
      <h1>
        <a
          href="#/"
          onClick={(e) => {
            if (!onHome) return;
            e.preventDefault();
            onHome();
          }}
        >
          AgentTrace
        </a>
      </h1>
      {children}
    </header>
  );
}

function Workbench({ host }: { host: Host }): React.JSX.Element {
  const [route, navigate] = useHashRoute();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const connection = useSyncExternalStore(host.connection.watch, host.connection.get);
  const openRun = useCallback((runId: string) => navigate({ screen: 'run', runId }), [navigate]);
  const drop = useTraceDrop(host.api, openRun);
  useWindowDrop(drop);
  useFocusOnOpen(route.screen === 'run' ? `run:${route.runId}` : route.screen);
  // The desktop host opens runs itself (a file opened from the OS or the menu, a recording started from the menu).
  useEffect(() => host.subscribe((e) => e.type === 'openRun' && navigate({ screen: 'run', runId: e.data.runId })), [host, navigate]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      setHelpOpen(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  if (connection === 'unauthorized') {
    return <AccessProblemPage problem="unauthorized" />;
  }
  return (
    <div className="app">
      <AppHeader onHome={() => navigate({ screen: 'traces' })}>
        {connection === 'reconnecting' && (
          <span className="app-conn" role="status">
            Connection to the host lost: reconnecting…
          </span>
        )}
        <button type="button" className="btn app-help" aria-haspopup="dialog" aria-keyshortcuts="?" onClick={() => setHelpOpen(true)}>
          Shortcuts <kbd aria-hidden="true">?</kbd>
        </button>
        <button type="button" className="btn app-settings" aria-haspopup="dialog" onClick={() => setSettingsOpen(true)}>
          Settings
        </button>
      </AppHeader>
      {settingsOpen && <Settings host={host} onClose={() => setSettingsOpen(false)} />}
      {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}
      <DropBanner drop={drop} onOpen={openRun} />
      <main className="app-main">
        {route.screen === 'run' ? (
          <TraceScreen api={host.api} subscribe={host.subscribe} runId={route.runId} step={route.step} compare={route.compare} navigate={navigate} />
        ) : route.screen === 'fixStart' ? (
          <FixStartScreen api={host.api} runId={route.runId} navigate={navigate} />
        ) : route.screen === 'fix' ? (
          <FixReviewScreen api={host.api} subscribe={host.subscribe} fixId={route.fixId} navigate={navigate} />
        ) : (
          <TracesScreen api={host.api} subscribe={host.subscribe} onOpen={openRun} onFix={(runId) => navigate({ screen: 'fixStart', runId })} onOpenFix={(fixId) => navigate({ screen: 'fix', fixId })} drop={drop} />
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
