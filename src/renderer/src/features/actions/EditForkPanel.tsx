import { inheritedText } from '../../../../shared/model/runLineage';
import type { ForkState } from './useActions';
import './EditForkPanel.css';

interface Props {
  fork: ForkState;
  onText: (text: string) => void;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * Edit & fork (pure view): the selected event's reply or value in an editor, the host's verdict on the draft shown
 * inline as the user types, and Run branch once it is valid.
 */
export function EditForkPanel({ fork, onText, onConfirm, onCancel }: Props): React.JSX.Element {
  const d = fork.draft;
  const v = fork.validation;
  const canRun = Boolean(d && v?.ok && !fork.submitting);
  return (
    <section className="edit-fork" aria-label="Edit and fork">
      <header className="ef-head">
        <h3>
          Edit &amp; fork at step {fork.seq}
          {d && <span className="ef-kind">{d.kind === 'llm' ? 'LLM reply text' : `${d.kind} payload (JSON)`}</span>}
        </h3>
        <span className="ef-help" data-testid="edit-fork-help">
          The branch runs from step {fork.seq}: {inheritedText(fork.seq - 1)} replayed from the record, step {fork.seq} with your edit, live after it.
        </span>
      </header>
      {!d && !fork.error && <p className="ef-loading">Loading the event…</p>}
      {d && (
        <textarea
          className="ef-editor mono"
          aria-label="Edited payload"
          value={d.text}
          spellCheck={d.format === 'text'}
          rows={Math.min(14, Math.max(4, d.text.split('\n').length + 1))}
          onChange={(e) => onText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey) && canRun) onConfirm();
            if (e.key === 'Escape') onCancel();
          }}
          autoFocus
        />
      )}
      <div className="ef-foot">
        <span className="ef-check" aria-live="polite" data-testid="edit-validation">
          {fork.error ? (
            <span className="ef-bad">{fork.error}</span>
          ) : !d ? null : v === null ? (
            <span className="ef-pending">Checking…</span>
          ) : v.ok ? (
            <span className="ef-good">✓ valid edit</span>
          ) : (
            <span className="ef-bad" title={v.hint}>
              {v.error}
            </span>
          )}
        </span>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" onClick={onConfirm} disabled={!canRun}>
          {fork.submitting ? 'Starting…' : 'Run branch'}
        </button>
      </div>
    </section>
  );
}
