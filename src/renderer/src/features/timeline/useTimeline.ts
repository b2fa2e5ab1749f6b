import { useEffect, useState } from 'react';
import { mergeFreshRows, openSeqs } from '../../../../shared/model/liveRows';
import type { EventSubscribe, EventSummary, WorkbenchApi } from '../../../../shared/rpc/contract';
import type { EventKind } from '../../../../shared/trace/types';
import { errorText } from '../format';

export interface TimelineData {
  status: 'loading' | 'ready' | 'error';
  rows: EventSummary[];
  /** Events matching the filter in the whole run: the list's height is known before all rows are loaded. */
  total: number;
  complete: boolean;
  error?: string;
}

/** The first page is small so a 100k-event run shows at once; the rest streams in behind it in big pages. */
const FIRST_PAGE = 300;
const NEXT_PAGE = 5000;

/**
 * Loads a run's timeline page by page, then stays live: when the host reports the run changed (a recording or
 * branch run in progress), it re-reads the rows still open (calls and steps a later patch completes: their reply,
 * outcome and duration) and loads what was added since its last row. `kinds` must be a stable array (state).
 */
export function useTimeline(api: WorkbenchApi, subscribe: EventSubscribe, runId: string, kinds: EventKind[] | undefined): TimelineData {
  const key = `${runId}|${kinds?.join(',') ?? '*'}`;
  const [state, setState] = useState<TimelineData & { key: string }>({ key: '', status: 'loading', rows: [], total: 0, complete: false });

  useEffect(() => {
    let live = true;
    let wake: (() => void) | undefined;
    let dirty = false;
    const off = subscribe((e) => {
      if (e.type !== 'runUpdated' || e.data.runId !== runId) return;
      dirty = true;
      wake?.();
    });
    const waitForChange = (): Promise<void> =>
      dirty
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            wake = resolve;
          });

    const load = async (): Promise<void> => {
      let rows: EventSummary[] = [];
      let from = 0;
      let limit = FIRST_PAGE;
      let caughtUp = false;
      while (live) {
        dirty = false;
        if (caughtUp) {
          // Woken by a change: rows shown as pending may have completed since.
          const open = openSeqs(rows);
          const fresh = await Promise.all(open.map((seq) => api.getEvents({ runId, from: seq, limit: 1, ...(kinds ? { kinds } : {}) })));
          if (!live) return;
          rows = mergeFreshRows(
            rows,
            fresh.flatMap((p, i) => p.events.filter((e) => e.seq === open[i])),
          );
        }
        const page = await api.getEvents({ runId, from, limit, ...(kinds ? { kinds } : {}) });
        if (!live) return;
        // Fewer events than already shown: the run was cleared (a branch re-run); start over.
        if (page.total < rows.length) {
          rows = [];
          from = 0;
          continue;
        }
        if (page.events.length > 0) rows = rows.concat(page.events);
        const complete = page.nextFrom === undefined;
        setState({ key, status: 'ready', rows, total: Math.max(page.total, rows.length), complete });
        limit = NEXT_PAGE;
        if (!complete) {
          from = page.nextFrom as number;
          continue;
        }
        from = rows.length > 0 ? rows[rows.length - 1].seq + 1 : 0;
        caughtUp = true;
        await waitForChange();
      }
    };
    load().catch((e: unknown) => live && setState({ key, status: 'error', rows: [], total: 0, complete: true, error: errorText(e) }));
    return () => {
      live = false;
      off();
      wake?.();
    };
  }, [api, subscribe, runId, kinds, key]);

  return state.key === key ? state : { status: 'loading', rows: [], total: 0, complete: false };
}
