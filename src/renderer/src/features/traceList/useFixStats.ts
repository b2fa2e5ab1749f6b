import { useEffect, useState } from 'react';
import type { EventSubscribe, FixStats, WorkbenchApi } from '../../../../shared/rpc/contract';
import { useEventGeneration } from '../../app/useEventGeneration';

const STAT_EVENTS = ['runUpdated', 'fixProgress'] as const;

/** The dashboard strip's counts, re-read (coalesced) when a run changes or a fix reports progress. */
export function useFixStats(api: WorkbenchApi, subscribe: EventSubscribe): FixStats | undefined {
  const [stats, setStats] = useState<FixStats | undefined>(undefined);
  const generation = useEventGeneration(subscribe, STAT_EVENTS);
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
