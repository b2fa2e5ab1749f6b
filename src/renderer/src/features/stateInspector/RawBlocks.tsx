import type { EventDetail, ResolvedBody } from '../../../../shared/rpc/contract';
import type { HttpPayload } from '../../../../shared/trace/types';
import './EventTab.css';

/** Pretty JSON when the text parses, the text itself otherwise. */
export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A request or response body behind a disclosure: pretty JSON, text, or why it is not shown. */
export function BodyBlock({ title, body }: { title: string; body?: ResolvedBody }): React.JSX.Element | null {
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

/** Headers behind a disclosure, one `name: value` per line. */
export function Headers({ title, headers }: { title: string; headers?: Record<string, string> }): React.JSX.Element | null {
  if (!headers || Object.keys(headers).length === 0) return null;
  return (
    <details className="ev-raw">
      <summary>{title}</summary>
      <pre className="ev-pre">{Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
    </details>
  );
}

/** The raw exchange of an HTTP or LLM call: request headers and body, response headers and body. */
export function RawExchange({ payload: p, bodies }: { payload: HttpPayload; bodies: EventDetail['bodies'] }): React.JSX.Element {
  return (
    <>
      <Headers title="Request headers" headers={p.request.headers} />
      <BodyBlock title="Request body" body={bodies.request} />
      <Headers title="Response headers" headers={p.response?.headers} />
      <BodyBlock title="Response body" body={bodies.response} />
    </>
  );
}
