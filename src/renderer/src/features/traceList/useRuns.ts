import { useEffect, useState } from 'react';
import type { EventSubscribe, RunSummary, WorkbenchApi } from '../../../../shared/rpc/contract';
import { useEventGeneration } from '../../app/useEventGeneration';

export type RunsState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; runs: RunSummary[]; total: number };

/**
 * Runs matching a text query (id, name, script), newest first; reloaded when the host reports a run change, and
 * when `reload` changes (an import on this screen: its runs must show at once).
 */
export function useRuns(api: WorkbenchApi, subscribe: EventSubscribe, query: string, reload = 0): RunsState {
  const [state, setState] = useState<RunsState>({ status: 'loading' });
  const generation = useEventGeneration(subscribe);

  useEffect(() => {
    let live = true;
    // A typed query waits a moment so each keystroke does not hit the store.
    const timer = setTimeout(() => {
      api.listRuns({ limit: 500, ...(query.trim() ? { query: query.trim() } : {}) }).then(
        (r) => live && setState({ status: 'ready', runs: r.runs, total: r.total }),
        (e: unknown) => live && setState({ status: 'error', message: e instanceof Error ? e.message : String(e) }),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, query, generation, reload]);
  return state;
}
