import { useEffect, useRef, useState } from 'react';
import type { ChatMessage } from '../../../../shared/model/chatModel';
import { MessageItem } from './MessageItem';
import './Conversation.css';

/** Conversations longer than this fold their middle; the head (system and first user turn) and the tail stay. */
const FOLD_OVER = 12;
const TAIL = 6;

/**
 * Which messages show when the middle is folded: the leading system messages and the first user turn, and the last
 * `TAIL` messages. Null when nothing is folded.
 */
export function foldOf(messages: readonly ChatMessage[]): { head: number; tail: number } | null {
  if (messages.length <= FOLD_OVER) return null;
  let head = 0;
  while (head < messages.length && (messages[head].role === 'system' || messages[head].role === 'developer')) head++;
  if (head < messages.length && messages[head].role === 'user') head++;
  const tail = messages.length - TAIL;
  return tail - head >= 2 ? { head, tail } : null;
}

interface Props {
  messages: ChatMessage[];
  resultIndexOf: Record<string, number>;
}

/** The request's conversation, oldest first, the middle of a long one folded behind "Show N earlier messages". */
export function Conversation({ messages, resultIndexOf }: Props): React.JSX.Element {
  const [unfolded, setUnfolded] = useState(false);
  // A link into the folded middle: the message to bring into view once the middle has rendered.
  const pending = useRef<number | undefined>(undefined);
  const fold = unfolded ? null : foldOf(messages);
  useEffect(() => {
    if (pending.current === undefined) return;
    reveal(pending.current);
    pending.current = undefined;
  }, [unfolded]);
  // A link to a message (a tool result, the call it answers): unfold if it is hidden, then bring it into view.
  const show = (index: number): void => {
    if (fold && index >= fold.head && index < fold.tail) {
      pending.current = index;
      setUnfolded(true);
    } else reveal(index);
  };
  if (messages.length === 0) return <p className="conv-muted">No messages recorded.</p>;
  const item = (m: ChatMessage): React.JSX.Element => <MessageItem key={m.index} message={m} resultIndexOf={resultIndexOf} onShowMessage={show} />;
  return (
    <ol className="conversation" aria-label={`Conversation, ${messages.length} messages`}>
      {fold ? (
        <>
          {messages.slice(0, fold.head).map(item)}
          <li className="conv-fold">
            <button type="button" className="btn" onClick={() => setUnfolded(true)}>
              Show {fold.tail - fold.head} earlier messages
            </button>
            <span className="conv-muted">{summaryOf(messages.slice(fold.head, fold.tail))}</span>
          </li>
          {messages.slice(fold.tail).map(item)}
        </>
      ) : (
        messages.map(item)
      )}
    </ol>
  );
}

function reveal(index: number): void {
  const el = document.getElementById(`chat-msg-${index}`);
  el?.scrollIntoView?.({ block: 'nearest' });
  el?.focus({ preventScroll: true });
}

/** What a folded run of messages holds, by role: "12 user, 14 assistant (9 tool calls), 9 tool". */
export function summaryOf(messages: readonly ChatMessage[]): string {
  const counts = new Map<string, number>();
  let calls = 0;
  for (const m of messages) {
    counts.set(m.role, (counts.get(m.role) ?? 0) + 1);
    calls += m.toolCalls.length;
  }
  return [...counts].map(([role, n]) => `${n} ${role}${role === 'assistant' && calls ? ` (${calls} tool call${calls === 1 ? '' : 's'})` : ''}`).join(', ');
}
