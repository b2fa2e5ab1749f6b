import { useEffect, useId, useRef } from 'react';
import type { FixCandidate } from '../../../../shared/afe/types';
import { relativeTo } from '../../../../shared/model/fixReview';
import { VerdictBadge } from '../../components/VerdictBadge';
import './ApplyDialog.css';

interface Props {
  candidate: FixCandidate;
  cwd: string;
  busy: boolean;
  /** Why the last attempt failed (a stale file, a file holding a secret…), shown inline. */
  error?: string;
  onConfirm: () => void;
  onClose: () => void;
}

/** A unified diff's line as shown: added, removed, hunk header or context. */
function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'ad-file';
  if (line.startsWith('@@')) return 'ad-hunk';
  if (line.startsWith('+')) return 'ad-add';
  if (line.startsWith('-')) return 'ad-del';
  return '';
}

/**
 * "Apply…" confirmation (a modal <dialog>: focus stays inside, Escape closes it): the files that will be written,
 * with the diff of each, before anything touches the user's code. Cancel has the initial focus: applying takes a
 * deliberate second action.
 */
export function ApplyDialog({ candidate: c, cwd, busy, error, onConfirm, onClose }: Props): React.JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    cancelRef.current?.focus();
    return () => dialog.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="apply-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) onConfirm();
        }}
      >
        <h2 id={`${id}-title`} className="ad-title">
          Apply candidate {c.n}: {c.title}
        </h2>
        <p className="ad-help">
          <VerdictBadge verdict={c.verdict} /> {c.verdictDetail}
        </p>
        <p className="ad-help">
          This writes {c.files.length} file{c.files.length === 1 ? '' : 's'} (each only if it still matches the version the fix was computed against). Undo restores
          them byte for byte.
        </p>
        <ul className="ad-files" aria-label="Files it will write">
          {c.files.map((f) => (
            <li key={f.path} className="mono" title={f.path}>
              {relativeTo(f.path, cwd)}
            </li>
          ))}
        </ul>
        <div className="ad-diffs" tabIndex={0} aria-label="The diff it will apply">
          {c.files.map((f) => (
            <pre key={f.path} className="ad-diff" data-testid="apply-diff">
              {f.diff.split('\n').map((line, i) => (
                <span key={i} className={lineClass(line)}>
                  {line}
                  {'\n'}
                </span>
              ))}
            </pre>
          ))}
        </div>
        <div className="ad-foot">
          <span className="ad-error" role="alert" data-testid="apply-error">
            {error}
          </span>
          <button ref={cancelRef} type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Applying…' : `Apply to ${c.files.length} file${c.files.length === 1 ? '' : 's'}`}
          </button>
        </div>
      </form>
    </dialog>
  );
}
