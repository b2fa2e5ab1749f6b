import { useCallback, useEffect, useState } from 'react';
import { useAsync, type Async } from '../../app/useAsync';
import type { EventSubscribe, RunDetail, RunSummary, WorkbenchApi } from '../../../../shared/rpc/contract';

/** A counter bumped (at most every 250 ms) whenever the host reports a run update that `matters`. */
function useRunUpdates(subscribe: EventSubscribe, matters: (runId: string) => boolean): number {
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe((e) => {
      if (e.type !== 'runUpdated' || !matters(e.data.runId)) return;
      // Throttled, not debounced: a recording reports progress every few hundred ms, and its header must follow
      // while it runs, not only once it stops. Updates during the wait are covered by the reload that ends it.
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        setGeneration((g) => g + 1);
      }, 250);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [subscribe, matters]);
  return generation;
}

/** The run's details, reloaded when the host reports it changed (status, steps while it runs). */
export function useRunDetail(api: WorkbenchApi, subscribe: EventSubscribe, runId: string): Async<RunDetail> {
  const matters = useCallback((id: string) => id === runId, [runId]);
  const generation = useRunUpdates(subscribe, matters);
  const load = useCallback(() => api.getRun({ runId }), [api, runId]);
  return useAsync(load, generation);
}

/** The run's whole tree (root and every branch), reloaded when any run of it, or a new branch of it, changes. */
export function useRunTree(api: WorkbenchApi, subscribe: EventSubscribe, runId: string, rootId: string | undefined): Async<{ rootId: string; runs: RunSummary[] }> {
  // Branch ids extend their trace's id (`<traceId>__<name>`), so a new branch of this tree is recognisable by id.
  const matters = useCallback((id: string) => rootId === undefined || id === rootId || id.startsWith(`${rootId}__`), [rootId]);
  const generation = useRunUpdates(subscribe, matters);
  const load = useCallback(() => api.getRunTree({ runId }), [api, runId]);
  return useAsync(load, generation);
}
