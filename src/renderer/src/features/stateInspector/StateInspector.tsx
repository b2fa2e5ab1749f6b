import type { Async } from '../../app/useAsync';
import type { ToolLink } from '../../../../shared/model/toolLinks';
import type { SourceView } from '../../../../shared/rpc/contract';
import type { ErrorPayload } from '../../../../shared/trace/types';
import { ErrorPanel } from '../errorPanel/ErrorPanel';
import { Placeholder } from '../../components/Placeholder';
import { ConsoleTab } from './ConsoleTab';
import { EventTab } from './EventTab';
import { FilesTab } from './FilesTab';
import { StackTab } from './StackTab';
import { StateTab } from './StateTab';
import type { InspectorData, InspectorTab } from './useInspector';
import './StateInspector.css';

const TABS: { id: InspectorTab; label: string }[] = [
  { id: 'event', label: 'Event' },
  { id: 'state', label: 'State' },
  { id: 'stack', label: 'Stack' },
  { id: 'files', label: 'Files' },
  { id: 'console', label: 'Console' },
];

interface Props {
  seq?: number;
  tab: InspectorTab;
  onTab: (tab: InspectorTab) => void;
  data: InspectorData;
  filePath?: string;
  onOpenFile: (path: string) => void;
  /** LLM events: where the reply's tool calls ran and where their results went. */
  toolLinks?: Async<ToolLink[]>;
  /** Selects another step (a link from the event, e.g. a tool call to the step that ran it). */
  onSelectStep?: (seq: number) => void;
  /** Recorded sources for the error panel (an `error` step's Event tab). */
  loadSource?: (file: string) => Promise<SourceView>;
}

function Loaded<T>({ a, what, children }: { a: Async<T>; what: string; children: (v: T) => React.ReactNode }): React.JSX.Element {
  if (a.status === 'ready') return <>{children(a.value)}</>;
  if (a.status === 'error') return <Placeholder kind="error">{a.message}</Placeholder>;
  if (a.status === 'loading' && a.stale !== undefined) return <div className="insp-stale">{children(a.stale)}</div>;
  return <Placeholder kind="loading">Loading {what}…</Placeholder>;
}

/** The selected step in tabs: Event, State, Stack, Files, Console (pure view over loaded data). */
export function StateInspector({ seq, tab, onTab, data, filePath, onOpenFile, toolLinks, onSelectStep, loadSource }: Props): React.JSX.Element {
  // Roving focus: the selected tab is the one tab stop; arrows select (and focus) the neighbour.
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>): void => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = (TABS.findIndex((t) => t.id === tab) + delta + TABS.length) % TABS.length;
    onTab(TABS[next].id);
    (e.currentTarget.children[next] as HTMLElement | undefined)?.focus();
  };
  return (
    <section className="inspector" aria-label="State inspector">
      <div className="insp-tabs" role="tablist" aria-label="Inspector tabs" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`insp-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="insp-panel"
            tabIndex={tab === t.id ? 0 : -1}
            className="insp-tab"
            onClick={() => onTab(t.id)}
          >
            {t.label}
          </button>
        ))}
        {seq !== undefined && <span className="insp-step">step {seq}</span>}
      </div>
      <div className="insp-panel" id="insp-panel" role="tabpanel" aria-labelledby={`insp-tab-${tab}`}>
        {seq === undefined ? (
          <Placeholder kind="empty">Select a step in the timeline (j/k or arrow keys move the selection).</Placeholder>
        ) : tab === 'event' ? (
          <Loaded a={data.event} what="event">
            {(d) =>
              d.event.kind === 'error' && loadSource ? (
                <ErrorPanel key={`${d.runId}:${d.event.seq}`} error={d.event.payload as ErrorPayload} loadSource={loadSource} />
              ) : (
                <EventTab detail={d} {...(toolLinks ? { toolLinks } : {})} {...(onSelectStep ? { onSelectStep } : {})} />
              )
            }
          </Loaded>
        ) : tab === 'state' ? (
          <Loaded a={data.state} what="state">
            {(s) => <StateTab state={s} />}
          </Loaded>
        ) : tab === 'stack' ? (
          <Loaded a={data.state} what="stack">
            {(s) => <StackTab state={s} />}
          </Loaded>
        ) : tab === 'files' ? (
          <Loaded a={data.state} what="files">
            {(s) => <FilesTab state={s} openPath={filePath} file={data.file} onOpen={onOpenFile} />}
          </Loaded>
        ) : (
          <Loaded a={data.console} what="console">
            {(c) => <ConsoleTab lines={c.lines} total={c.total} seq={seq} />}
          </Loaded>
        )}
      </div>
    </section>
  );
}
