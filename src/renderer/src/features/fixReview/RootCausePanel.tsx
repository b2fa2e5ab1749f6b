import type { EvidenceChainView } from '../../../../shared/model/fixReview';
import './RootCausePanel.css';

interface Props {
  chain: EvidenceChainView;
  /** AI's explanation, shown beside (never instead of) what the replays found. */
  aiExplanation?: string;
  onOpenStep: (seq: number) => void;
}

/** The root cause (pure view): the cause, "confirmed by replay" or "suspected" in words, and the evidence chain as steps to open. */
export function RootCausePanel({ chain, aiExplanation, onOpenStep }: Props): React.JSX.Element {
  return (
    <section className="root-cause" aria-labelledby="rc-title">
      <header className="rc-head">
        <h3 id="rc-title">Root cause</h3>
        <span className={`rc-status rc-${chain.status}`} data-testid="root-cause-status">
          {chain.statusText}
        </span>
        {chain.decisiveSeq !== undefined && (
          <button type="button" className="rc-step-link" onClick={() => onOpenStep(chain.decisiveSeq as number)}>
            decisive step {chain.decisiveSeq}
          </button>
        )}
      </header>
      {chain.cause && <p className="rc-cause">{chain.cause}</p>}
      {aiExplanation && (
        <p className="rc-ai">
          <span className="rc-ai-label">AI’s reading:</span> {aiExplanation}
        </p>
      )}
      {chain.items.length > 0 && (
        <ol className="rc-chain" aria-label="Evidence chain">
          {chain.items.map((item) => (
            <li key={item.key} className={`rc-item${item.decisive ? ' rc-decisive' : ''}`}>
              <span className="rc-role">{item.role}</span>
              <span className="rc-body">
                {item.seq !== undefined ? (
                  <button type="button" className="rc-open" onClick={() => onOpenStep(item.seq as number)} aria-label={`Open step ${item.seq} in the inspector: ${item.label}`}>
                    <span className="rc-seq mono">step {item.seq}</span> {item.label}
                  </button>
                ) : (
                  <span className="rc-label">{item.label}</span>
                )}
                {item.decisive && <span className="rc-decisive-tag">decisive</span>}
                {item.where && <span className="rc-where mono">{item.where}</span>}
                {item.source && <code className="rc-source">{item.source}</code>}
                {item.detail && <span className="rc-detail">{item.detail}</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
      {chain.tries.length > 0 && (
        <details className="rc-tries">
          <summary>
            {chain.tries.length} counterfactual replay{chain.tries.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {chain.tries.map((t, i) => (
              <li key={i} className="mono">
                {t}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
