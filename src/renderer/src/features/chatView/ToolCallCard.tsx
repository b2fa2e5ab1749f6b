import type { ChatToolCall } from '../../../../shared/model/chatModel';
import type { ToolLink } from '../../../../shared/model/toolLinks';
import { ClampedText } from './ClampedText';
import './ToolCallCard.css';

interface Props {
  call: ChatToolCall;
  /** Where the call ran and where its result went (reply calls only; undefined while loading or unknown). */
  link?: ToolLink;
  /** Links are still being looked up. */
  linking?: boolean;
  onSelectStep?: (seq: number) => void;
  /** For a call inside the conversation: the message holding its result. */
  resultIndex?: number;
  onShowMessage?: (index: number) => void;
}

/** One tool call: its name and pretty-printed arguments, linked to the step that ran it and to its result. */
export function ToolCallCard({ call, link, linking, onSelectStep, resultIndex, onShowMessage }: Props): React.JSX.Element {
  return (
    <div className="tool-call" data-testid="tool-call">
      <div className="tc-head">
        <span className="tc-badge">tool call</span>
        <span className="tc-name mono">{call.name || '(no name)'}</span>
        {call.id && <span className="tc-id mono">{call.id}</span>}
        {!call.validJson && call.arguments !== '' && <span className="tc-bad">arguments are not valid JSON</span>}
      </div>
      <pre className="tc-args mono" aria-label={`Arguments of ${call.name}`}>
        {call.pretty || '(no arguments)'}
      </pre>
      {(link || linking || resultIndex !== undefined) && (
        <div className="tc-links">
          {linking && <span className="tc-muted">Finding the step that ran it…</span>}
          {link?.step && onSelectStep && (
            <button type="button" className="tc-link" data-testid="tool-step-link" onClick={() => onSelectStep(link.step!.seq)}>
              ran at step {link.step.seq}
              {link.step.via === 'http' ? ' (HTTP call)' : ' (tool)'}
            </button>
          )}
          {link && !link.step && <span className="tc-muted">no step found that ran it before the next LLM call</span>}
          {link?.result && onSelectStep && (
            <button type="button" className="tc-link" data-testid="tool-result-link" onClick={() => onSelectStep(link.result!.seq)}>
              result sent in step {link.result.seq} (message {link.result.messageIndex + 1})
            </button>
          )}
          {link && !link.result && <span className="tc-muted">no result sent back to the model</span>}
          {resultIndex !== undefined && onShowMessage && (
            <button type="button" className="tc-link" onClick={() => onShowMessage(resultIndex)}>
              result: message {resultIndex + 1}
            </button>
          )}
        </div>
      )}
      {link?.result && <ClampedText className="tc-result" text={link.result.text} />}
    </div>
  );
}
