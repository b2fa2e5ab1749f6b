/**
 * The data side of the AI settings dialog: the host's view of the settings (never the key itself, only whether one
 * is held and where), saving a field at a time, and "Test key" with its one-line result.
 */
import { useCallback, useEffect, useState } from 'react';
import type { AiSettingsView, KeyTestResult, WorkbenchApi } from '../../../../shared/rpc/contract';
import { errorText } from '../format';

export interface AiSettingsState {
  settings?: AiSettingsView;
  /** Load or save failure. */
  error?: string;
  saving: boolean;
  testing: boolean;
  test?: KeyTestResult;
  save(patch: { apiKey?: string | null; model?: string; useAi?: boolean; autoApply?: boolean }): Promise<boolean>;
  testKey(apiKey?: string): void;
}

export function useAiSettings(api: WorkbenchApi): AiSettingsState {
  const [settings, setSettings] = useState<AiSettingsView | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<KeyTestResult | undefined>(undefined);

  useEffect(() => {
    let live = true;
    api.getAiSettings({}).then(
      (s) => live && setSettings(s),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const save = useCallback(
    (patch: { apiKey?: string | null; model?: string; useAi?: boolean; autoApply?: boolean }): Promise<boolean> => {
      setSaving(true);
      setError(undefined);
      if (patch.apiKey !== undefined) setTest(undefined);
      // Toggles and the model show the new value at once (a controlled input must not snap back while the host saves).
      const { apiKey: _key, ...shown } = patch;
      setSettings((cur) => (cur ? { ...cur, ...shown } : cur));
      return api.setAiSettings(patch).then(
        (s) => {
          setSettings(s);
          setSaving(false);
          return true;
        },
        (e: unknown) => {
          setError(errorText(e));
          setSaving(false);
          // The host's view is the truth again.
          void api.getAiSettings({}).then(setSettings, () => undefined);
          return false;
        },
      );
    },
    [api],
  );

  const testKey = useCallback(
    (apiKey?: string) => {
      setTesting(true);
      setTest(undefined);
      api.testAiKey(apiKey ? { apiKey } : {}).then(
        (r) => {
          setTest(r);
          setTesting(false);
        },
        (e: unknown) => {
          setTest({ status: 'error', message: errorText(e) });
          setTesting(false);
        },
      );
    },
    [api],
  );

  return { settings, error, saving, testing, test, save, testKey };
}
