import { useEffect, useState } from 'react';
import { errorText } from '../features/format';

/** `stale`: while the next value loads, the previous one (views keep showing it instead of jumping to a spinner). */
/** `code`: the host's error code when the failure came from it (ATR_NOT_FOUND for an unknown run id). */
export type Async<T> = { status: 'idle' } | { status: 'loading'; stale?: T } | { status: 'ready'; value: T } | { status: 'error'; message: string; code?: string };

function codeOf(e: unknown): string | undefined {
  const code = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Runs `load` (memoize it with useCallback: a new function means new data) and tracks its result. A result that
 * arrives after `load` changed is dropped, so a fast j/k never shows a stale step. A new `reload` value loads
 * again but keeps showing the previous result meanwhile (live updates must not flash a spinner).
 */
export function useAsync<T>(load: (() => Promise<T>) | null, reload = 0): Async<T> {
  const [state, setState] = useState<{ for: unknown; value: Async<T> }>({ for: null, value: { status: 'idle' } });
  useEffect(() => {
    if (!load) return;
    let live = true;
    load().then(
      (value) => live && setState({ for: load, value: { status: 'ready', value } }),
      (e: unknown) => {
        const code = codeOf(e);
        if (live) setState({ for: load, value: { status: 'error', message: errorText(e), ...(code ? { code } : {}) } });
      },
    );
    return () => {
      live = false;
    };
  }, [load, reload]);
  if (!load) return { status: 'idle' };
  if (state.for === load) return state.value;
  return state.value.status === 'ready' ? { status: 'loading', stale: state.value.value } : { status: 'loading' };
}
