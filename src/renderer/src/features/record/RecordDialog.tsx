import { useEffect, useId, useRef } from 'react';
import { SCRIPT_EXTENSIONS } from '../../../../shared/rpc/limits';
import type { RecordDialogState } from './useRecordDialog';
import './RecordDialog.css';

interface Props {
  state: RecordDialogState;
}

/**
 * The "Record a script…" dialog (a modal <dialog>: focus stays inside, Escape closes it): the agent's path, its
 * arguments and an optional run name. Errors from the host (no such file, unsupported extension) show inline.
 */
export function RecordDialog({ state }: Props): React.JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const scriptRef = useRef<HTMLInputElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const { draft, submitting, error } = state;
  // Electron only: a picked file's path comes from the preload (a browser never reveals it).
  const bridge = window.agenttrace;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    scriptRef.current?.focus();
    return () => dialog.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className="record-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-help`}
      onCancel={(e) => {
        // Escape: the dialog's state is React's, so close through it (the effect's cleanup closes the element).
        e.preventDefault();
        state.close();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!submitting) void state.submit();
        }}
      >
        <h2 id={`${id}-title`} className="rd-title">
          Record a script
        </h2>
        <p id={`${id}-help`} className="rd-help">
          Runs the agent under the recorder where the workbench runs, and opens its trace while it records. A relative path starts from the folder
          the workbench was started in.
        </p>
        <label className="rd-field">
          <span className="rd-label">Script</span>
          <span className="rd-row">
            <input
              ref={scriptRef}
              className="input mono rd-input"
              name="script"
              required
              placeholder={`path/to/agent${SCRIPT_EXTENSIONS[1]}`}
              value={draft.script}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => state.edit({ script: e.target.value })}
            />
            {bridge && (
              <>
                <button type="button" className="btn" onClick={() => fileRef.current?.click()}>
                  Browse…
                </button>
                <input
                  ref={fileRef}
                  type="file"
                  hidden
                  accept={SCRIPT_EXTENSIONS.join(',')}
                  onChange={(e) => {
                    const file = e.target.files?.[0];
                    const path = file ? bridge.pathForFile(file) : '';
                    if (path) state.edit({ script: path });
                    e.target.value = '';
                  }}
                />
              </>
            )}
          </span>
          <span className="rd-note">{SCRIPT_EXTENSIONS.join(' ')}</span>
        </label>
        <label className="rd-field">
          <span className="rd-label">
            Arguments <span className="rd-optional">optional</span>
          </span>
          <input
            className="input mono rd-input"
            name="args"
            placeholder={'--topic "sea otters"'}
            value={draft.args}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => state.edit({ args: e.target.value })}
          />
          <span className="rd-note">Separated by spaces; quote an argument that contains spaces.</span>
        </label>
        <label className="rd-field">
          <span className="rd-label">
            Name <span className="rd-optional">optional</span>
          </span>
          <input className="input rd-input" name="name" maxLength={200} placeholder="shown in the traces list" value={draft.name} autoComplete="off" onChange={(e) => state.edit({ name: e.target.value })} />
        </label>
        <div className="rd-foot">
          <span className="rd-error" role="alert" data-testid="record-error">
            {error}
          </span>
          <button type="button" className="btn" onClick={state.close}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={submitting || !draft.script.trim()}>
            {submitting ? 'Starting…' : 'Record'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
