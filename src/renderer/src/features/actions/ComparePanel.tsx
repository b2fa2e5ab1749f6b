import type { Json, RunDiffChange, RunDiffSide, RunDiffView, RunSummary } from '../../../../shared/rpc/contract';
import { formatDuration, formatUsd, runLabel } from '../format';
import type { Job } from './useActions';
import './ComparePanel.css';

interface Props {
  runs: RunSummary[];
  currentId: string;
  otherId?: string;
  diff: Job<RunDiffView>;
  onPick: (runId: string) => void;
  onClose: () => void;
}

/** Compare with… (pure view): pick another run of the tree, then the two side by side: where they part, what changed, deltas. */
export function ComparePanel({ runs, currentId, otherId, diff, onPick, onClose }: Props): React.JSX.Element {
  const others = runs.filter((r) => r.id !== currentId);
  return (
    <section className="compare" aria-label="Compare runs">
      <header className="cmp-head">
        <h3>Compare with</h3>
        <select className="input" aria-label="Run to compare with" value={otherId ?? ''} onChange={(e) => e.target.value && onPick(e.target.value)}>
          <option value="">{others.length ? 'Pick a run of this tree…' : 'No other run in this tree'}</option>
          {others.map((r) => (
            <option key={r.id} value={r.id}>
              {runLabel(r)} ({r.id}, {r.status})
            </option>
          ))}
        </select>
        <button type="button" className="btn cmp-close" onClick={onClose}>
          Close
        </button>
      </header>
      {diff.status === 'running' && <p className="cmp-note">Comparing…</p>}
      {diff.status === 'error' && <p className="cmp-bad">{diff.message}</p>}
      {diff.status === 'done' && <DiffBody d={diff.value} />}
    </section>
  );
}

function DiffBody({ d }: { d: RunDiffView }): React.JSX.Element {
  const fd = d.firstDivergence;
  const changes = [...d.changedReplies, ...d.changedResults];
  return (
    <div className="cmp-body" data-testid="run-diff">
      <div className="cmp-sides">
        <Side side={d.a} label="A (this run)" />
        <Side side={d.b} label="B" />
        <dl className="cmp-delta">
          <dt>Δ steps</dt>
          <dd>{signed(d.delta.steps)}</dd>
          <dt title="Tokens of the whole executions: a branch's inherited calls up to its fork plus its own">Δ tokens (total)</dt>
          <dd>{signed(d.delta.tokens)}</dd>
          <dt>Δ cost</dt>
          <dd>{d.delta.costUsd === null ? 'unknown' : `${d.delta.costUsd < 0 ? '−' : '+'}${formatUsd(Math.abs(d.delta.costUsd))}`}</dd>
          <dt>Δ time</dt>
          <dd>{d.delta.durationMs === null ? '—' : `${d.delta.durationMs < 0 ? '−' : '+'}${formatDuration(Math.abs(d.delta.durationMs))}`}</dd>
        </dl>
      </div>
      <p className="cmp-first" data-testid="first-divergence">
        {d.identical
          ? `Identical: ${d.counts.same} steps match.`
          : fd
            ? `First divergence at step ${fd.seqA ?? fd.seqB} (${fd.kind}): ${fd.reason}${fd.fields?.length ? ` — ${fd.fields.join(', ')}` : ''}`
            : 'The runs differ.'}
        {!d.identical && ` ${d.counts.changed} changed, ${d.counts.onlyInA} only in A, ${d.counts.onlyInB} only in B.`}
      </p>
      {changes.length > 0 && (
        <table className="cmp-changes">
          <thead>
            <tr>
              <th>Step</th>
              <th>A</th>
              <th>B</th>
            </tr>
          </thead>
          <tbody>
            {changes.slice(0, 50).map((c) => (
              <ChangeRow key={`${c.seqA}-${c.seqB}`} c={c} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Side({ side, label }: { side: RunDiffSide; label: string }): React.JSX.Element {
  return (
    <div className="cmp-side">
      <div className="cmp-side-label">{label}</div>
      <div className="cmp-side-name mono" title={side.id}>
        {side.name ?? side.id}
      </div>
      <div className="cmp-side-facts">
        <span className={`cmp-status s-${side.status}`}>{side.status}</span>
        <span>{side.steps} steps</span>
        {side.ownTokens === undefined ? (
          <span>{side.totalTokens} tok</span>
        ) : (
          <span title="Total: the calls inherited up to the fork plus the branch's own (the runs list and branch graph show the own tokens)">
            {side.totalTokens} tok total ({side.ownTokens} own)
          </span>
        )}
        {side.exitCode !== null && <span>exit {side.exitCode}</span>}
      </div>
    </div>
  );
}

function ChangeRow({ c }: { c: RunDiffChange }): React.JSX.Element {
  return (
    <tr>
      <td className="mono">
        {c.seqA === c.seqB ? c.seqA : `${c.seqA} / ${c.seqB}`} <span className="cmp-kind">{c.kind}</span>
        <div className="cmp-label">{c.label}</div>
      </td>
      <td>
        <pre>{show(c.before)}</pre>
      </td>
      <td>
        <pre>{show(c.after)}</pre>
      </td>
    </tr>
  );
}

/** An LLM reply as its text and tool calls (`name(arguments)`); anything else as JSON. */
export function show(v: Json): string {
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.content === 'string') {
    const calls = Array.isArray(v.toolCalls) ? v.toolCalls : [];
    const lines = calls.map((c) => (c && typeof c === 'object' && !Array.isArray(c) ? `${String(c.name)}(${typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments)})` : JSON.stringify(c)));
    return [v.content, ...lines].filter((l) => l !== '').join('\n');
  }
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
