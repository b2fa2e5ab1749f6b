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

/**
 * Loads what the active tab shows for the selected step (other tabs load when opened). A new `reload` value loads
 * the active tab again while showing the current content (a step of a running recording may still change, e.g. an
 * LLM call whose reply has not arrived yet).
 */
export function useInspector(api: WorkbenchApi, runId: string, seq: number | undefined, tab: InspectorTab, filePath: string | undefined, reload = 0): InspectorData {
  const has = seq !== undefined;
  const loadEvent = useCallback(() => api.getEvent({ runId, seq: seq as number }), [api, runId, seq]);
  const loadState = useCallback(() => api.getStateAt({ runId, seq: seq as number }), [api, runId, seq]);
  const loadConsole = useCallback(() => api.getConsole({ runId, toSeq: seq as number, limit: 2000 }), [api, runId, seq]);
  const loadFile = useCallback(() => api.getFile({ runId, seq: seq as number, path: filePath as string }), [api, runId, seq, filePath]);
  const needsState = tab === 'state' || tab === 'stack' || tab === 'files';
  return {
    event: useAsync(has && tab === 'event' ? loadEvent : null, reload),
    state: useAsync(has && needsState ? loadState : null, reload),
    console: useAsync(has && tab === 'console' ? loadConsole : null, reload),
    file: useAsync(has && tab === 'files' && filePath ? loadFile : null, reload),
  };
}
