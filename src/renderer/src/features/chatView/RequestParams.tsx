import type { ChatParam, ChatToolDef } from '../../../../shared/model/chatModel';
import type { Json } from '../../../../shared/trace/types';
import './RequestParams.css';

/** A parameter value on one line when short: strings bare, the rest as compact JSON. */
function valueText(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The request's parameters (model, temperature, max tokens, response_format, tool_choice, stream, …). */
export function RequestParams({ params }: { params: ChatParam[] }): React.JSX.Element | null {
  if (params.length === 0) return null;
  return (
    <dl className="req-params" data-testid="llm-params">
      {params.map((p) => {
        const text = valueText(p.value);
        return (
          <div key={p.name} className="rp-item">
            <dt className="mono">{p.name}</dt>
            <dd className="mono">{text.length > 80 ? <details><summary>{text.slice(0, 60)}…</summary><pre className="rp-pre">{JSON.stringify(p.value, null, 2)}</pre></details> : text}</dd>
          </div>
        );
      })}
    </dl>
  );
}

/** The tools offered to the model: name and description, each parameters schema folded. */
export function ToolDefs({ tools }: { tools: ChatToolDef[] }): React.JSX.Element | null {
  if (tools.length === 0) return null;
  return (
    <ul className="tool-defs" data-testid="llm-tools">
      {tools.map((t, i) => (
        <li key={`${t.name}-${i}`} className="td-item">
          <span className="mono td-name">{t.name}</span>
          {t.description && <span className="td-desc">{t.description}</span>}
          {t.parameters !== undefined && (
            <details className="td-schema">
              <summary>parameters schema</summary>
              <pre className="rp-pre">{JSON.stringify(t.parameters, null, 2)}</pre>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}
