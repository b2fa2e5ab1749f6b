/** The WorkbenchApi implemented over the store: what every transport (IPC, HTTP, in-memory) dispatches to. */
import type { WorkbenchApi } from '../../shared/rpc/contract.js';
import type { TraceStore } from '../store/store.js';

export function createWorkbenchApi(store: TraceStore): WorkbenchApi {
  return {
    listRuns: async (params) => store.listRuns(params),
  };
}
