import type { RunSummary } from '../../../../shared/rpc/contract';
import './TraceList.css';

/** The runs of the store as a table (pure view). */
export function TraceList({ runs }: { runs: RunSummary[] }): React.JSX.Element {
  if (runs.length === 0) return <p className="empty">No traces yet. Record one with <code>agenttrace record my_agent.ts</code>.</p>;
  return (
    <table className="trace-list">
      <thead>
        <tr>
          <th>Status</th>
          <th>Name</th>
          <th>Steps</th>
          <th>LLM calls</th>
          <th>Tokens</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-run-id={r.id}>
            <td>
              <span className={`status status-${r.status}`}>{r.status}</span>
            </td>
            <td title={r.id}>{r.name ?? r.scriptPath.split(/[\\/]/).pop()}</td>
            <td>{r.steps}</td>
            <td>{r.llmCalls}</td>
            <td>{r.totalTokens}</td>
            <td>{new Date(r.startedAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
