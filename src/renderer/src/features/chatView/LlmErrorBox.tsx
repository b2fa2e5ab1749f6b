import type { ChatError } from '../../../../shared/model/chatModel';
import './LlmErrorBox.css';

/** How long `retry-after` asks to wait: seconds ("7" → "7 s"), an HTTP date, or a value already with its unit. */
export function retryText(v: string): string {
  if (/^\d+(\.\d+)?$/.test(v.trim())) return `${v.trim()} s`;
  return v;
}

/** A failed LLM call as an error: status, the provider's message, type and code, and the retry and rate-limit hints. */
export function LlmErrorBox({ error: e }: { error: ChatError }): React.JSX.Element {
  const limits = Object.entries(e.rateLimit);
  return (
    <section className="llm-error" role="group" aria-label="LLM call failed" data-testid="llm-error">
      <div className="le-head">
        <span className="le-status">{e.status !== undefined ? `HTTP ${e.status}${e.statusText ? ` ${e.statusText}` : ''}` : 'Network error'}</span>
        {e.type && <span className="le-tag mono">{e.type}</span>}
        {e.code && <span className="le-tag mono">{e.code}</span>}
      </div>
      <p className="le-message" data-testid="llm-error-message">
        {e.message}
      </p>
      {(e.retryAfter !== undefined || limits.length > 0) && (
        <dl className="le-facts">
          {e.retryAfter !== undefined && (
            <>
              <dt>retry-after</dt>
              <dd data-testid="llm-retry-after">{retryText(e.retryAfter)}</dd>
            </>
          )}
          {limits.map(([k, v]) => (
            <div key={k} className="le-pair">
              <dt className="mono">{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
