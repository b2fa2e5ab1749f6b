import { useCallback, useState } from 'react';
import type { WorkbenchApi } from '../../../../shared/rpc/contract';
import { splitArgs } from '../../../../shared/model/argsText';
import { errorText } from '../format';

export interface RecordDraft {
  script: string;
  args: string;
  name: string;
}

export interface RecordDialogState {
  open: boolean;
  draft: RecordDraft;
  submitting: boolean;
  /** Why the last submit failed (the host's message, or a problem with the arguments): shown inline. */
  error: string | null;
  show(): void;
  close(): void;
  edit(patch: Partial<RecordDraft>): void;
  submit(): Promise<void>;
}

const EMPTY: RecordDraft = { script: '', args: '', name: '' };

/**
 * "Record a script…": the dialog's draft (kept when it is closed and reopened, so a typo is quick to fix), and the
 * submit that starts the recording on the host and opens its run once it exists.
 */
export function useRecordDialog(api: WorkbenchApi, onStarted: (runId: string) => void): RecordDialogState {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<RecordDraft>(EMPTY);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const show = useCallback(() => {
    setError(null);
    setOpen(true);
  }, []);
  const close = useCallback(() => setOpen(false), []);
  const edit = useCallback((patch: Partial<RecordDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setError(null);
  }, []);

  const submit = useCallback(async () => {
    const script = draft.script.trim();
    if (!script) return setError('Enter the path of the agent script.');
    const args = splitArgs(draft.args);
    if (!args.ok) return setError(args.error);
    const name = draft.name.trim();
    setSubmitting(true);
    setError(null);
    try {
      const { runId } = await api.recordScript({ script, ...(args.args.length ? { args: args.args } : {}), ...(name ? { name } : {}) });
      setOpen(false);
      setDraft(EMPTY);
      onStarted(runId);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSubmitting(false);
    }
  }, [api, draft, onStarted]);

  return { open, draft, submitting, error, show, close, edit, submit };
}
