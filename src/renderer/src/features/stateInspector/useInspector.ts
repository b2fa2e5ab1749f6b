import { useCallback } from 'react';
import { useAsync, type Async } from '../../app/useAsync';
import type { ConsoleLine, EventDetail, FileView, StateView, WorkbenchApi } from '../../../../shared/rpc/contract';

export type InspectorTab = 'event' | 'state' | 'stack' | 'files' | 'console';

export interface InspectorData {
  event: Async<EventDetail>;
  state: Async<StateView>;
  console: Async<{ lines: ConsoleLine[]; total: number }>;
  file: Async<FileView>;
}

/** Loads what the active tab shows for the selected step (other tabs load when opened). */
export function useInspector(api: WorkbenchApi, runId: string, seq: number | undefined, tab: InspectorTab, filePath: string | undefined): InspectorData {
  const has = seq !== undefined;
  const loadEvent = useCallback(() => api.getEvent({ runId, seq: seq as number }), [api, runId, seq]);
  const loadState = useCallback(() => api.getStateAt({ runId, seq: seq as number }), [api, runId, seq]);
  const loadConsole = useCallback(() => api.getConsole({ runId, toSeq: seq as number, limit: 2000 }), [api, runId, seq]);
  const loadFile = useCallback(() => api.getFile({ runId, seq: seq as number, path: filePath as string }), [api, runId, seq, filePath]);
  const needsState = tab === 'state' || tab === 'stack' || tab === 'files';
  return {
    event: useAsync(has && tab === 'event' ? loadEvent : null),
    state: useAsync(has && needsState ? loadState : null),
    console: useAsync(has && tab === 'console' ? loadConsole : null),
    file: useAsync(has && tab === 'files' && filePath ? loadFile : null),
  };
}
