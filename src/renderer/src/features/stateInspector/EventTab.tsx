import type { Async } from '../../app/useAsync';
import type { EventDetail } from '../../../../shared/rpc/contract';
import type { ToolLink } from '../../../../shared/model/toolLinks';
import type { HttpPayload } from '../../../../shared/trace/types';
import { formatDuration } from '../format';
import { KindBadge } from '../../components/KindBadge';
import { ChatView } from '../chatView/ChatView';
import { RawExchange } from './RawBlocks';
import './EventTab.css';

function HttpView({ p, detail }: { p: HttpPayload; detail: EventDetail }): React.JSX.Element {
  return (
    <section className="ev-section">
      <h3>HTTP call</h3>
      <p className="ev-url mono">
        {p.request.method} {p.request.url}
      </p>
      <p className="ev-facts">
        {p.response ? <span>HTTP {p.response.status}</span> : p.error ? <span className="ev-bad">{p.error.message}</span> : <span>no response</span>}
        {p.durationMs !== undefined && <span>{formatDuration(p.durationMs)}</span>}
        <span>{p.layer} layer</span>
      </p>
      <RawExchange payload={p} bodies={detail.bodies} />
    </section>
  );
}

interface Props {
  detail: EventDetail;
  /** LLM events: where the reply's tool calls ran and where their results went. */
  toolLinks?: Async<ToolLink[]>;
  onSelectStep?: (seq: number) => void;
}

/** The selected event in full (pure view): an LLM call as a chat, an HTTP exchange, or the payload as JSON. */
export function EventTab({ detail, toolLinks, onSelectStep }: Props): React.JSX.Element {
  const e = detail.event;
  return (
    <div className="event-tab">
      <header className="ev-header">
        <KindBadge kind={e.kind} />
        <span>Step {e.seq}</span>
        <span className="ev-muted">{new Date(e.ts).toLocaleTimeString()}</span>
        {e.parentSeq !== undefined && <span className="ev-muted">inside step {e.parentSeq}</span>}
        {detail.runId && <span className="ev-muted mono" title="recorded by">{detail.runId}</span>}
      </header>
      {e.kind === 'llm' && <ChatView detail={detail} {...(toolLinks ? { links: toolLinks } : {})} {...(onSelectStep ? { onSelectStep } : {})} />}
      {e.kind === 'http' && <HttpView p={e.payload as HttpPayload} detail={detail} />}
      {e.kind !== 'llm' && e.kind !== 'http' && (
        <section className="ev-section" data-testid="event-payload">
          <h3>Payload</h3>
          <pre className="ev-pre">{JSON.stringify(e.payload, null, 2)}</pre>
        </section>
      )}
      {e.fingerprint && <p className="ev-muted mono ev-fp">fingerprint {e.fingerprint}</p>}
    </div>
  );
}
