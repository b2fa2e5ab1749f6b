import type { EventDetail, ResolvedBody } from '../../../../shared/rpc/contract';
import type { HttpPayload, Json, LlmPayload } from '../../../../shared/trace/types';
import { formatDuration } from '../format';
import { KindBadge } from '../../components/KindBadge';
import './EventTab.css';

/** Pretty JSON when the text parses, the text itself otherwise. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function BodyBlock({ title, body }: { title: string; body?: ResolvedBody }): React.JSX.Element | null {
  if (!body) return null;
  return (
    <details className="ev-raw">
      <summary>
        {title} <span className="ev-muted">({body.size.toLocaleString()} B)</span>
      </summary>
      {'text' in body ? <pre className="ev-pre">{pretty(body.text)}</pre> : <p className="ev-muted">{body.note}</p>}
    </details>
  );
}

function Headers({ title, headers }: { title: string; headers?: Record<string, string> }): React.JSX.Element | null {
  if (!headers || Object.keys(headers).length === 0) return null;
  return (
    <details className="ev-raw">
      <summary>{title}</summary>
      <pre className="ev-pre">{Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
    </details>
  );
}

function contentText(c: Json | undefined): string {
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => (p && typeof p === 'object' && !Array.isArray(p) && typeof p.text === 'string' ? p.text : JSON.stringify(p))).join('\n');
  return c === undefined ? '' : JSON.stringify(c, null, 2);
}

function Messages({ messages }: { messages: Json | undefined }): React.JSX.Element {
  const list = Array.isArray(messages) ? messages : [];
  if (list.length === 0) return <p className="ev-muted">No messages recorded.</p>;
  return (
    <ol className="ev-messages">
      {list.map((m, i) => {
        const msg = (m && typeof m === 'object' && !Array.isArray(m) ? m : { content: m }) as { [k: string]: Json };
        return (
          <li key={i} className={`ev-msg role-${String(msg.role ?? 'unknown')}`}>
            <span className="ev-role">{String(msg.role ?? '?')}</span>
            <span className="ev-content">{contentText(msg.content ?? (msg.tool_calls as Json))}</span>
          </li>
        );
      })}
    </ol>
  );
}

function LlmView({ p, detail }: { p: LlmPayload; detail: EventDetail }): React.JSX.Element {
  const chunks = p.response?.chunks ?? [];
  return (
    <>
      <section className="ev-section" data-testid="llm-request">
        <h3>Request</h3>
        <p className="ev-facts">
          <span>{p.provider}</span>
          {p.model && <span className="mono">{p.model}</span>}
          {p.stream && <span>streamed</span>}
          <span className="mono">
            {p.request.method} {p.request.url}
          </span>
        </p>
        <Messages messages={p.messages} />
      </section>
      <section className="ev-section" data-testid="llm-reply">
        <h3>Reply</h3>
        {p.reply ? (
          <>
            <p className="ev-reply">{p.reply.content || <span className="ev-muted">(no text)</span>}</p>
            {(p.reply.toolCalls ?? []).map((t, i) => (
              <pre key={i} className="ev-pre">{`${t.name}(${pretty(t.arguments)})`}</pre>
            ))}
          </>
        ) : (
          <p className="ev-muted">{p.error ? `Failed: ${p.error.message}` : p.response ? `HTTP ${p.response.status}, no reply parsed` : 'No reply recorded.'}</p>
        )}
        <p className="ev-facts">
          {p.response && <span>HTTP {p.response.status}</span>}
          {p.finishReason && <span>finish: {p.finishReason}</span>}
          {p.usage && <span>{p.usage.promptTokens} in / {p.usage.completionTokens} out tokens</span>}
          {p.durationMs !== undefined && <span>{formatDuration(p.durationMs)}</span>}
          {p.ttfbMs !== undefined && <span>first byte {formatDuration(p.ttfbMs)}</span>}
        </p>
      </section>
      {chunks.length > 0 && (
        <details className="ev-raw" data-testid="llm-chunks">
          <summary>Streamed chunks ({chunks.length})</summary>
          <ol className="ev-chunks mono">
            {chunks.slice(0, 1000).map((c, i) => (
              <li key={i}>
                <span className="ev-muted">+{Math.round(c.t)}ms</span> {c.data}
              </li>
            ))}
          </ol>
        </details>
      )}
      <Headers title="Request headers" headers={p.request.headers} />
      <BodyBlock title="Request body" body={detail.bodies.request} />
      <Headers title="Response headers" headers={p.response?.headers} />
      <BodyBlock title="Response body" body={detail.bodies.response} />
    </>
  );
}

function HttpView({ p, detail }: { p: HttpPayload; detail: EventDetail }): React.JSX.Element {
  return (
    <section className="ev-section">
      <h3>
        {p.request.method} <span className="mono">{p.request.url}</span>
      </h3>
      <p className="ev-facts">
        {p.response ? <span>HTTP {p.response.status}</span> : p.error ? <span className="ev-bad">{p.error.message}</span> : <span>no response</span>}
        {p.durationMs !== undefined && <span>{formatDuration(p.durationMs)}</span>}
        <span>{p.layer} layer</span>
      </p>
      <Headers title="Request headers" headers={p.request.headers} />
      <BodyBlock title="Request body" body={detail.bodies.request} />
      <Headers title="Response headers" headers={p.response?.headers} />
      <BodyBlock title="Response body" body={detail.bodies.response} />
    </section>
  );
}

/** The selected event in full (pure view): LLM request and reply, HTTP exchange, or the payload as JSON. */
export function EventTab({ detail }: { detail: EventDetail }): React.JSX.Element {
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
      {e.kind === 'llm' && <LlmView p={e.payload as LlmPayload} detail={detail} />}
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
