import { useEffect, useState } from 'react';
import type { EventSubscribe, WorkbenchEventType } from '../../../shared/rpc/contract';

/**
 * A counter that goes up once host events of these types stop arriving for a moment (300 ms): data hooks put it in
 * their dependencies to reload once per burst (a recording reports progress many times a second). No types: every
 * event counts.
 */
export function useEventGeneration(subscribe: EventSubscribe, types?: readonly WorkbenchEventType[]): number {
  const [generation, setGeneration] = useState(0);
  const key = types?.join(',');
  useEffect(() => {
    const wanted = key === undefined ? undefined : new Set(key.split(','));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe((e) => {
      if (wanted && !wanted.has(e.type)) return;
      clearTimeout(timer);
      timer = setTimeout(() => setGeneration((g) => g + 1), 300);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [subscribe, key]);
  return generation;
}
