/** The WorkbenchApi implemented over the store: what every transport (IPC, HTTP, in-memory) dispatches to. */
import type { WorkbenchApi } from '../../shared/rpc/contract.js';
import { withCosts } from '../runs/runCost.js';
import { loadPrices } from '../settings/prices.js';
import type { TraceStore } from '../store/store.js';
import { createActionsApi, type ActionsApiOptions } from './actions.js';
import { createFixApi, type FixApiOptions } from './fixApi.js';
import { createImportApi, type ImportApiOptions } from './importApi.js';
import { createRecordApi, type RecordApiOptions } from './recordApi.js';
import { getSourceView } from './sourceQueries.js';
import { searchEvents } from '../store/searchEvents.js';
import { getConsoleLines, getEventDetail, getEventsPage, getFileAt, getRunDetail, getRunTree, getStateView, withFixInfo } from './runQueries.js';

export function createWorkbenchApi(store: TraceStore, opts: { import?: ImportApiOptions; actions?: ActionsApiOptions; record?: RecordApiOptions; fix?: FixApiOptions } = {}): WorkbenchApi {
  return {
    ...createImportApi(store, opts.import),
    ...createActionsApi(store, opts.actions),
    ...createRecordApi(store, opts.record),
    ...createFixApi(store, opts.fix),
    listRuns: async (params) => {
      const page = store.listRuns(params);
      // Prices are re-read per call: the user may edit prices.json while the workbench is open.
      return { ...page, runs: withFixInfo(store, withCosts(store, page.runs, loadPrices(store.home).table)) };
    },
    // The header's cost: the same own-cost fields as the list's row of this run.
    getRun: async ({ runId }) => withCosts(store, [getRunDetail(store, runId)], loadPrices(store.home).table)[0],
    getRunTree: async ({ runId }) => getRunTree(store, runId),
    getEvents: async (params) => getEventsPage(store, params),
    getEvent: async ({ runId, seq }) => getEventDetail(store, runId, seq),
    getStateAt: async ({ runId, seq }) => getStateView(store, runId, seq),
    getConsole: async (params) => getConsoleLines(store, params),
    getFile: async (params) => getFileAt(store, params),
    getSource: async ({ runId, file }) => getSourceView(store, runId, file),
    searchEvents: async ({ runId, query, limit }) => {
      const max = limit ?? 100;
      // One extra hit tells whether there are more.
      const { hits } = searchEvents(store, store.getRun(runId).id, query, max + 1);
      return { hits: hits.slice(0, max), more: hits.length > max };
    },
  };
}
