import { useEffect, useId, useRef, useState } from 'react';
import type { AiSettingsState } from './useAiSettings';
import './SettingsDialog.css';

interface Props {
  state: AiSettingsState;
  onClose: () => void;
}

const TEST_TEXT = { ok: 'ok', invalid: 'invalid', rate_limited: 'rate-limited', error: 'error' } as const;

/**
 * AI settings for the AutoFix Engine (a modal <dialog>; Escape closes it): the Groq key (password field; where it is
 * kept is said plainly), model, "use AI", auto-apply (off by default), and "Test key" with a one-line result.
 */
export function SettingsDialog({ state, onClose }: Props): React.JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const [key, setKey] = useState('');
  const s = state.settings;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    keyRef.current?.focus();
    return () => dialog.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className="settings-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) void state.save({ apiKey: key.trim() }).then((ok) => ok && setKey(''));
        }}
      >
        <h2 id={`${id}-title`} className="sd-title">
          AutoFix settings
        </h2>
        <fieldset className="sd-group">
          <legend>Groq API key</legend>
          <div className="sd-field">
            <label className="sd-label" htmlFor={`${id}-key`}>
              Key
            </label>
            <span className="sd-row">
              <input
                ref={keyRef}
                id={`${id}-key`}
                className="input mono sd-input"
                type="password"
                name="groq-key"
                autoComplete="off"
                spellCheck={false}
                placeholder={s?.hasKey ? 'a key is held — paste another to replace it' : 'gsk_…'}
                value={key}
                onChange={(e) => setKey(e.target.value)}
              />
              <button type="submit" className="btn btn-primary" disabled={!key.trim() || state.saving}>
                Save key
              </button>
            </span>
          </div>
          <p className="sd-note" data-testid="key-storage">
            {s?.keyStorage === 'memory' && (
              <>
                Browser mode: the key is held in memory by the workbench process only and never written anywhere; it is gone when <code>agenttrace ui</code> stops.
              </>
            )}
            {s?.keyStorage === 'safeStorage' && 'Desktop: the key is encrypted with the operating system’s keychain (Electron safeStorage); only the ciphertext is stored.'}
          </p>
          <div className="sd-row sd-key-actions">
            <span className="sd-has-key" data-testid="key-held">
              {s ? (s.hasKey ? 'A key is held.' : 'No key held.') : ''}
            </span>
            <button type="button" className="btn" disabled={state.testing || (!key.trim() && !s?.hasKey)} onClick={() => state.testKey(key.trim() || undefined)}>
              {state.testing ? 'Testing…' : 'Test key'}
            </button>
            <button type="button" className="btn" disabled={!s?.hasKey || state.saving} onClick={() => void state.save({ apiKey: null })}>
              Forget key
            </button>
          </div>
          <p className={`sd-test sd-test-${state.test?.status ?? 'none'}`} role="status" data-testid="key-test">
            {state.test ? `${TEST_TEXT[state.test.status]}: ${state.test.message}` : ''}
          </p>
        </fieldset>
        <fieldset className="sd-group" disabled={!s}>
          <legend>Fixes</legend>
          <label className="sd-field">
            <span className="sd-label">Model</span>
            <select className="input sd-input" value={s?.model ?? ''} onChange={(e) => void state.save({ model: e.target.value })}>
              {(s ? [...new Set([...s.models, s.model])] : []).map((m) => (
                <option key={m} value={m}>
                  {m}
                  {m === s?.defaultModel ? ' (default)' : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="sd-check">
            <input type="checkbox" checked={s?.useAi ?? false} onChange={(e) => void state.save({ useAi: e.target.checked })} />
            <span>
              Use AI for root-cause text and extra candidates
              <span className="sd-note"> Needs a key. AI candidates are validated by replay like any other; nothing unvalidated is applied.</span>
            </span>
          </label>
          <label className="sd-check">
            <input type="checkbox" checked={s?.autoApply ?? false} onChange={(e) => void state.save({ autoApply: e.target.checked })} />
            <span>
              Auto-apply the best candidate
              <span className="sd-note"> Only when it is “fixed” by a real replay (not simulated) and scores at least 0.90. Off by default.</span>
            </span>
          </label>
        </fieldset>
        <div className="sd-foot">
          <span className="sd-error" role="alert">
            {state.error}
          </span>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}
