/**
 * Electron main: wiring only. The contract is served over IPC to our own windows; every behaviour (import, recent
 * traces, notices, CSP, OS-opened files, the SQLite binding) lives in tested engine code (src/engine/api,
 * src/engine/desktop); the API, dispatcher, run watcher and recordings come from createWorkbenchHost, as for
 * `agenttrace ui`. Trace files arrive from the OS (macOS `open-file`, argv on Windows/Linux, a second instance's
 * argv), the File menu, or a drop on the window, and are imported and opened.
 */
import { app, BrowserWindow, dialog, ipcMain, Notification } from 'electron';
import path from 'node:path';
import { RPC_ERROR } from '../shared/errors.js';
import { SCRIPT_EXTENSIONS } from '../shared/rpc/limits.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type WorkbenchEvent } from '../shared/rpc/contract.js';
import { createWorkbenchHost } from '../engine/api/workbenchHost.js';
import { traceFilesInArgv } from '../engine/desktop/launchFiles.js';
import { RecentTraces } from '../engine/desktop/recentTraces.js';
import { createRunNotifier, fixNotice, notifyLongReplays, type RunNotice } from '../engine/desktop/runNotifier.js';
import { safeStorageVault } from './keyVault.js';
import { resolveSqliteBinding } from '../engine/desktop/sqliteBinding.js';
import { agentTraceHome } from '../engine/settings/paths.js';
import { openStore, type TraceStore } from '../engine/store/store.js';
import { installMenu } from './menu.js';
import { createWindow, installCsp, workbenchWindows } from './window.js';

// Files the OS hands over before the app is ready (macOS open-file at launch) wait here.
const pending: string[] = traceFilesInArgv(process.argv.slice(1), process.cwd());
let openFiles: ((files: string[]) => void) | null = null;

function send(event: WorkbenchEvent): void {
  for (const win of BrowserWindow.getAllWindows()) if (workbenchWindows.has(win.webContents.id)) win.webContents.send(IPC_EVENT_CHANNEL, event);
}

function mainWindow(onDrop: (file: string) => void): BrowserWindow {
  const win = BrowserWindow.getAllWindows().find((w) => workbenchWindows.has(w.webContents.id)) ?? createWindow(onDrop);
  if (win.isMinimized()) win.restore();
  win.focus();
  return win;
}

function start(): void {
  const home = agentTraceHome();
  const nativeBinding = resolveSqliteBinding({ env: process.env, resourcesPath: app.isPackaged ? process.resourcesPath : undefined });
  let store: TraceStore;
  try {
    store = openStore({ home, nativeBinding });
  } catch (e) {
    // Typically better-sqlite3 built for Node instead of Electron: the message names the binding it tried.
    dialog.showErrorBox('AgentTrace cannot open its trace store', `${e instanceof Error ? e.message : String(e)}\n\nStart it with \`npm start\`, which provides a build for Electron, or see docs/packaging.md.`);
    app.exit(1);
    return;
  }
  const sampleFile = app.isPackaged ? path.join(process.resourcesPath, 'sample', 'sample.agenttrace') : undefined;
  /** A desktop notification for a long run or replay that ended while the user was elsewhere; a click shows it. */
  const notify = (n: RunNotice | null): void => {
    if (!n || BrowserWindow.getFocusedWindow() || !Notification.isSupported()) return;
    const note = new Notification({ title: n.title, body: n.body });
    note.on('click', () => {
      mainWindow((f) => void importAndOpen([f]));
      send({ type: 'openRun', data: { runId: n.runId } });
    });
    note.show();
  };
  const notice = createRunNotifier();
  const { api, dispatch, recordings, watcher } = createWorkbenchHost(store, {
    onRunUpdated: (data) => {
      send({ type: 'runUpdated', data });
      notify(notice(data));
    },
    import: { nativeBinding, ...(sampleFile ? { sampleFile } : {}) },
    // Agents run under Electron's own Node (ELECTRON_RUN_AS_NODE): a desktop install may have no separate `node`.
    record: { node: process.execPath, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
    // AutoFix: stages as events, a notice when a long fix ends in the background, the Groq key under safeStorage.
    fix: { onFixProgress: (data) => send({ type: 'fixProgress', data }), onFixDone: (r) => notify(fixNotice(r)), vault: safeStorageVault(home), node: process.execPath, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
    wrapApi: (a) => notifyLongReplays(a, notify),
  });
  const recent = new RecentTraces(home);

  ipcMain.handle(IPC_CALL_CHANNEL, (event, method: unknown, params: unknown) => {
    if (!workbenchWindows.has(event.sender.id)) return { ok: false, error: { code: RPC_ERROR.forbidden, message: 'caller is not a workbench window' } };
    return dispatch(String(method), params);
  });

  const refreshMenu = (): void => installMenu({ openTrace, recordScript: recordFromDialog, openRecent: (f) => importAndOpen([f]), clearRecent: () => (recent.clear(), refreshMenu()) }, recent.list());

  async function importAndOpen(files: string[]): Promise<void> {
    if (!files.length) return;
    const win = mainWindow((f) => void importAndOpen([f]));
    const { outcomes } = await api.importTraceFiles({ paths: files });
    outcomes.forEach((o, i) => {
      const file = files[i];
      if (o.ok && file) {
        recent.add(file, o.focus);
        app.addRecentDocument(file);
      }
    });
    refreshMenu();
    const failures = outcomes.filter((o) => !o.ok);
    if (failures.length) void dialog.showMessageBox(win, { type: 'error', message: 'Some trace files could not be imported', detail: failures.map((f) => `${f.file}: ${f.ok ? '' : f.message}`).join('\n') });
    const first = outcomes.find((o) => o.ok);
    if (first?.ok) send({ type: 'openRun', data: { runId: first.focus } });
  }
  openFiles = (files) => void importAndOpen(files);

  async function openTrace(): Promise<void> {
    const win = mainWindow((f) => void importAndOpen([f]));
    const r = await dialog.showOpenDialog(win, { title: 'Open Trace', properties: ['openFile', 'multiSelections'], filters: [{ name: 'AgentTrace trace', extensions: ['agenttrace'] }] });
    if (!r.canceled) await importAndOpen(r.filePaths);
  }

  async function recordFromDialog(): Promise<void> {
    const win = mainWindow((f) => void importAndOpen([f]));
    const r = await dialog.showOpenDialog(win, { title: 'Record Script', properties: ['openFile'], filters: [{ name: 'Agent script', extensions: SCRIPT_EXTENSIONS.map((x) => x.slice(1)) }] });
    const script = r.filePaths[0];
    if (r.canceled || !script) return;
    try {
      // The same engine path as the Traces screen's "Record a script…"; progress arrives as runUpdated events.
      const { runId } = await api.recordScript({ script, cwd: path.dirname(script) });
      send({ type: 'openRun', data: { runId } });
    } catch (e) {
      void dialog.showMessageBox(win, { type: 'error', message: 'Recording failed', detail: e instanceof Error ? e.message : String(e) });
    }
  }

  // Agents still recording are stopped and stored before the store closes.
  app.on('before-quit', (e) => {
    if (recordings.size === 0) return;
    e.preventDefault();
    void recordings.stopAll().finally(() => app.quit());
  });
  app.on('will-quit', () => {
    watcher.stop();
    store.close();
  });

  installCsp();
  refreshMenu();
  const win = createWindow((f) => void importAndOpen([f]));
  // Files from the launch wait until the renderer listens for openRun.
  win.webContents.once('did-finish-load', () => void importAndOpen(pending.splice(0)));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow((f) => void importAndOpen([f]));
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('open-file', (e, file) => {
    e.preventDefault();
    if (openFiles) openFiles([file]);
    else pending.push(file);
  });
  app.on('second-instance', (_e, argv, workingDirectory) => {
    const files = traceFilesInArgv(argv.slice(1), workingDirectory);
    if (openFiles && files.length) openFiles(files);
    else BrowserWindow.getAllWindows()[0]?.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  void app.whenReady().then(start);
}
