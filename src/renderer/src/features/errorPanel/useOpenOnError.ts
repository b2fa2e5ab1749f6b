import { useEffect, useRef } from 'react';
import type { RunDetail, WorkbenchApi } from '../../../../shared/rpc/contract';

/**
 * A failed run opened without a step selects its failing step once: the last `error` event (its panel shows the
 * stack, source and locals), else the step failure detection named (a failed LLM or HTTP call, an exit code).
 */
export function useOpenOnError(api: WorkbenchApi, run: RunDetail | undefined, step: number | undefined, select: (seq: number) => void): void {
  const done = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!run || done.current === run.id) return;
    // Only a run that has ended decides; a step chosen by the user (or in the URL) always wins.
    if (run.status === 'running' || run.status === 'pending') return;
    done.current = run.id;
    if (step !== undefined || (run.status !== 'failed' && run.status !== 'crashed' && run.failure === undefined)) return;
    let live = true;
    api.getEvents({ runId: run.id, kinds: ['error'], limit: 100 }).then(
      (page) => {
        const last = page.events[page.events.length - 1];
        const seq = last?.seq ?? run.failure?.seq;
        if (live && seq !== undefined) select(seq);
      },
      () => {
        if (live && run.failure?.seq !== undefined) select(run.failure.seq);
      },
    );
    return () => {
      live = false;
    };
  }, [api, run, step, select]);
}
