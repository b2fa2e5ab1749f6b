/**
 * What every workbench host builds around one store (the desktop app's main process and `agenttrace ui`): the
 * WorkbenchApi, its dispatcher, the run watcher that turns store changes into runUpdated events, and the set of
 * recordings started from the UI. The host adds only its transport (IPC or HTTP/WebSocket) and its own surface
 * (windows, menu, notifications, a browser).
 */
import type { WorkbenchApi } from '../../shared/rpc/contract.js';
import type { TraceStore } from '../store/store.js';
import type { ActionsApiOptions } from './actions.js';
import type { FixApiOptions } from './fixApi.js';
import { createDispatcher, type Dispatch } from './dispatcher.js';
import type { ImportApiOptions } from './importApi.js';
import { Recordings, type RecordApiOptions } from './recordApi.js';
import { watchRuns, type RunUpdate, type RunWatcher } from './runWatcher.js';
import { createWorkbenchApi } from './workbenchApi.js';

export interface WorkbenchHostOptions {
  /** Every runUpdated event: the host forwards it to its windows or sockets. */
  onRunUpdated: (update: RunUpdate) => void;
  import?: ImportApiOptions;
  actions?: Omit<ActionsApiOptions, 'onRunsChanged'>;
  /** How agents are started (node binary, env, cwd); the recordings set and the change signal are the host's. */
  record?: Omit<RecordApiOptions, 'onRunsChanged' | 'recordings'>;
  /** The AutoFix Engine: env, cwd, node, the key vault, and where fixProgress events and finished fixes go. */
  fix?: Omit<FixApiOptions, 'onRunsChanged'>;
  /** Wraps the API before it is dispatched (the desktop app adds its notices for long replays). */
  wrapApi?: (api: WorkbenchApi) => WorkbenchApi;
  /** Poll interval of the run watcher (default its own). */
  watchIntervalMs?: number;
}

export interface WorkbenchHost {
  api: WorkbenchApi;
  dispatch: Dispatch;
  /** Recordings started through the API, still running. */
  recordings: Recordings;
  watcher: RunWatcher;
  /** Stops the recordings still running (their runs are stored) and the watcher; the store stays open. */
  close(): Promise<void>;
}

export function createWorkbenchHost(store: TraceStore, opts: WorkbenchHostOptions): WorkbenchHost {
  // Runs recorded or branched by other processes show up live through the watcher's poll.
  const watcher = watchRuns(store, opts.onRunUpdated, opts.watchIntervalMs === undefined ? {} : { intervalMs: opts.watchIntervalMs });
  // Background runs (recordings, branches, resumes) write through this process's own store connection, which the
  // poll does not notice: they ask the watcher to look.
  const onRunsChanged = (): void => watcher.check();
  const recordings = new Recordings();
  const base = createWorkbenchApi(store, {
    ...(opts.import ? { import: opts.import } : {}),
    actions: { ...opts.actions, onRunsChanged },
    record: { ...opts.record, onRunsChanged, recordings },
    fix: { ...opts.fix, onRunsChanged },
  });
  const api = opts.wrapApi ? opts.wrapApi(base) : base;
  return {
    api,
    dispatch: createDispatcher(api),
    recordings,
    watcher,
    async close() {
      await recordings.stopAll();
      watcher.stop();
    },
  };
}
