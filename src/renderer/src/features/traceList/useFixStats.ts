import { useEffect, useState } from 'react';
import type { EventSubscribe, FixStats, WorkbenchApi } from '../../../../shared/rpc/contract';

/** The dashboard strip's counts, re-read (coalesced) when a run changes or a fix reports progress. */
export function useFixStats(api: WorkbenchApi, subscribe: EventSubscribe): FixStats | undefined {
  const [stats, setStats] = useState<FixStats | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe((e) => {
      if (e.type !== 'runUpdated' && e.type !== 'fixProgress') return;
      clearTimeout(timer);
      timer = setTimeout(() => setGeneration((g) => g + 1), 300);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [subscribe]);
  useEffect(() => {
    let live = true;
    api.getFixStats({}).then(
      (s) => live && setStats(s),
      // The strip is a summary: without it the list still works, so a failure just leaves it out.
      () => live && setStats(undefined),
    );
    return () => {
      live = false;
    };
  }, [api, generation]);
  return stats;
}
