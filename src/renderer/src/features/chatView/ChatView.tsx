import { useMemo, useState } from 'react';
import type { Async } from '../../app/useAsync';
import type { EventDetail } from '../../../../shared/rpc/contract';
import { chatModelOf, type ChatModel } from '../../../../shared/model/chatModel';
import { callCost } from '../../../../shared/model/pricing';
import type { ToolLink } from '../../../../shared/model/toolLinks';
import type { LlmPayload } from '../../../../shared/trace/types';
import { formatDuration, formatUsd } from '../format';
import { RawExchange } from '../stateInspector/RawBlocks';
import { ClampedText } from './ClampedText';
import { Conversation } from './Conversation';
import { LlmErrorBox } from './LlmErrorBox';
import { RequestParams, ToolDefs } from './RequestParams';
import { ToolCallCard } from './ToolCallCard';
import './ChatView.css';

interface Props {
  detail: EventDetail;
  /** Where the reply's tool calls ran and where their results went (idle when the reply calls no tool). */
  links?: Async<ToolLink[]>;
  onSelectStep?: (seq: number) => void;
}

const text = (b: EventDetail['bodies']['request']): string | undefined => (b && 'text' in b ? b.text : undefined);

/** Token and cost facts of the call: cost at list prices, "unknown" when the model has no price (never $0). */
function usageFacts(m: ChatModel): string[] {
  if (!m.usage) return [];
  const u = m.usage;
  const cost = callCost(m.model, u);
  return [`${u.promptTokens.toLocaleString()} in / ${u.completionTokens.toLocaleString()} out tokens`, cost === undefined ? 'cost unknown (model not in the price table)' : `≈ ${formatUsd(cost)} at list prices`];
}

function Reply({ m, links, onSelectStep }: { m: ChatModel; links?: Async<ToolLink[]>; onSelectStep?: (seq: number) => void }): React.JSX.Element {
  if (m.error) return <LlmErrorBox error={m.error} />;
  if (!m.reply) return <p className="cv-muted">{m.pending ? 'Waiting for the reply…' : 'The response carries no reply the workbench could read (see the raw response below).'}</p>;
  const found = links?.status === 'ready' ? links.value : undefined;
  return (
    <div className="cv-reply">
      {m.reply.text !== '' ? <ClampedText className="cv-reply-text" text={m.reply.text} /> : m.reply.toolCalls.length === 0 && <span className="cv-muted">(empty reply)</span>}
      {m.reply.toolCalls.map((c, i) => (
        <ToolCallCard key={c.id ?? i} call={c} {...(found?.[i] ? { link: found[i] } : {})} linking={links?.status === 'loading'} {...(onSelectStep ? { onSelectStep } : {})} />
      ))}
      {links?.status === 'error' && <span className="cv-muted">Could not look up the tool steps: {links.message}</span>}
    </div>
  );
}

/**
 * An LLM call as a chat (pure view): the reply (or the error) first with its tool calls linked to the steps that ran
 * them, then the call's facts, parameters and tools, the conversation, and the raw exchange behind a toggle.
 */
export function ChatView({ detail, links, onSelectStep }: Props): React.JSX.Element {
  const p = detail.event.payload as LlmPayload;
  const m = useMemo(() => chatModelOf(p, text(detail.bodies.request), text(detail.bodies.response)), [p, detail.bodies]);
  const [raw, setRaw] = useState(false);
  const chunks = p.response?.chunks ?? [];
  return (
    <div className="chat-view">
      <section className="ev-section" data-testid="llm-reply" aria-label={m.error ? 'Error' : 'Reply'}>
        <h3>{m.error ? 'Error' : 'Reply'}</h3>
        <Reply m={m} {...(links ? { links } : {})} {...(onSelectStep ? { onSelectStep } : {})} />
        <p className="ev-facts" data-testid="llm-facts">
          <span>{m.provider}</span>
          {m.model && <span className="mono">{m.model}</span>}
          {p.response && <span>HTTP {p.response.status}</span>}
          {m.finishReason && <span>finish: {m.finishReason}</span>}
          {usageFacts(m).map((f) => (
            <span key={f}>{f}</span>
          ))}
          {p.durationMs !== undefined && <span>{formatDuration(p.durationMs)}</span>}
          {p.ttfbMs !== undefined && <span>first byte {formatDuration(p.ttfbMs)}</span>}
          {m.realStream && <span>streamed ({chunks.length} chunks)</span>}
        </p>
        <p className="cv-url mono">
          {p.request.method} {p.request.url}
        </p>
      </section>
      <section className="ev-section" aria-label="Parameters">
        <h3>Parameters</h3>
        <RequestParams params={m.params} />
        {m.tools.length > 0 && (
          <details className="cv-tools">
            <summary>
              {m.tools.length} tool{m.tools.length === 1 ? '' : 's'} offered: <span className="mono">{m.tools.map((t) => t.name).join(', ')}</span>
            </summary>
            <ToolDefs tools={m.tools} />
          </details>
        )}
      </section>
      <section className="ev-section" data-testid="llm-request" aria-label="Conversation">
        <h3>Conversation ({m.messages.length} messages)</h3>
        <Conversation messages={m.messages} resultIndexOf={m.resultIndexOf} />
      </section>
      <section className="ev-section">
        <button type="button" className="btn" aria-expanded={raw} onClick={() => setRaw(!raw)} data-testid="llm-raw-toggle">
          {raw ? 'Hide raw' : 'Show raw'} request and response
        </button>
        {raw && (
          <div className="cv-raw">
            {m.realStream && (
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
            <RawExchange payload={p} bodies={detail.bodies} />
          </div>
        )}
      </section>
    </div>
  );
}
