import { useEffect, useRef } from 'react';
import { SHORTCUTS } from './shortcuts';
import './ShortcutHelp.css';

/**
 * The `?` dialog: every keyboard shortcut, grouped by where it works. A modal <dialog> keeps focus inside it; Esc
 * or Close ends it and focus goes back to where it was.
 */
export function ShortcutHelp({ onClose }: { onClose: () => void }): React.JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const closeBtn = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    closeBtn.current?.focus();
    return () => {
      dialog?.close();
      before?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="shortcut-help"
      aria-labelledby="shortcut-help-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="sh-head">
        <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
        <button ref={closeBtn} type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="sh-groups">
        {SHORTCUTS.map((g) => (
          <section key={g.where} className="sh-group" aria-labelledby={`sh-${g.where}`}>
            <h3 id={`sh-${g.where}`}>{g.where}</h3>
            <dl>
              {g.keys.map((k) => (
                <div key={k.what} className="sh-row">
                  <dt>
                    {k.keys.map((key, i) => (
                      <span key={key}>
                        {i > 0 && <span className="sh-or"> or </span>}
                        <kbd>{key}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{k.what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </dialog>
  );
}

/** True when a key press belongs to a text field (typing `?` there must type it). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'range', 'color'].includes(target.type);
}
