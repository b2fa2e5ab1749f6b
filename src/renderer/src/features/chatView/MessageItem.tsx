import type { ChatMessage } from '../../../../shared/model/chatModel';
import { ClampedText } from './ClampedText';
import { ToolCallCard } from './ToolCallCard';
import './MessageItem.css';

interface Props {
  message: ChatMessage;
  resultIndexOf: Record<string, number>;
  onShowMessage: (index: number) => void;
}

/** The first line of a text, cut: the summary of a collapsed system prompt. */
function firstLine(text: string, max = 90): string {
  const line = text.split('\n', 1)[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** One message of the conversation: role, text clamped, its tool calls, or which call a tool result answers. */
export function MessageItem({ message: m, resultIndexOf, onShowMessage }: Props): React.JSX.Element {
  const body = (
    <>
      {m.text !== '' && <ClampedText text={m.text} />}
      {m.attachments.length > 0 && <span className="msg-muted">[{m.attachments.join(', ')}]</span>}
      {m.toolCalls.map((c, i) => (
        <ToolCallCard key={c.id ?? i} call={c} {...(c.id !== undefined && resultIndexOf[c.id] !== undefined ? { resultIndex: resultIndexOf[c.id] } : {})} onShowMessage={onShowMessage} />
      ))}
      {m.text === '' && m.toolCalls.length === 0 && m.attachments.length === 0 && <span className="msg-muted">(empty)</span>}
    </>
  );
  const system = m.role === 'system' || m.role === 'developer';
  return (
    <li className={`chat-msg role-${m.role}`} id={`chat-msg-${m.index}`} data-testid="chat-message" tabIndex={-1}>
      <div className="msg-meta">
        <span className="msg-role">{m.role}</span>
        <span className="msg-num">#{m.index + 1}</span>
      </div>
      <div className="msg-body">
        {m.toolCallId !== undefined && (
          <span className="msg-muted">
            result of {m.toolCallId}
            {m.callIndex !== undefined && (
              <>
                {' '}
                <button type="button" className="msg-link" onClick={() => onShowMessage(m.callIndex as number)}>
                  (call in message {m.callIndex + 1})
                </button>
              </>
            )}
          </span>
        )}
        {system ? (
          <details className="msg-system">
            <summary>
              {m.role} prompt · {m.text.length.toLocaleString()} characters — <span className="msg-muted">{firstLine(m.text)}</span>
            </summary>
            {body}
          </details>
        ) : (
          body
        )}
      </div>
    </li>
  );
}
