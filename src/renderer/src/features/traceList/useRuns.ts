import { useEffect, useState } from 'react';
import type { RunSummary, WorkbenchApi } from '../../../../shared/rpc/contract';

export type RunsState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; runs: RunSummary[]; total: number };

/** Loads the first page of runs from the host. */
export function useRuns(api: WorkbenchApi | null): RunsState {
  const [state, setState] = useState<RunsState>({ status: 'loading' });
  useEffect(() => {
    if (!api) return;
    let live = true;
    api.listRuns({ limit: 200 }).then(
      (r) => live && setState({ status: 'ready', runs: r.runs, total: r.total }),
      (e: unknown) => live && setState({ status: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [api]);
  return api ? state : { status: 'error', message: 'No host connection.' };
}
