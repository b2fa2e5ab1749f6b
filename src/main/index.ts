/**
 * Electron main: one secure window, the contract served over IPC (only to our own windows), nothing else.
 * Every behaviour lives in the engine; this file stays thin.
 */
import { app, BrowserWindow, ipcMain, shell } from 'electron';
import { join } from 'node:path';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type WorkbenchEvent } from '../shared/rpc/contract.js';
import { createDispatcher } from '../engine/api/dispatcher.js';
import { watchRuns } from '../engine/api/runWatcher.js';
import { createWorkbenchApi } from '../engine/api/workbenchApi.js';
import { openStore } from '../engine/store/store.js';
import { agentTraceHome } from '../engine/settings/paths.js';

const windows = new Set<number>();

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'AgentTrace',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  windows.add(win.webContents.id);
  win.on('closed', () => windows.delete(win.webContents.id));
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(() => {
    const store = openStore({ home: agentTraceHome(), nativeBinding: process.env.AGENTTRACE_SQLITE_BINDING });
    const dispatch = createDispatcher(createWorkbenchApi(store));
    ipcMain.handle(IPC_CALL_CHANNEL, (event, method: unknown, params: unknown) => {
      if (!windows.has(event.sender.id)) return { ok: false, error: { code: 'ATR_FORBIDDEN', message: 'caller is not a workbench window' } };
      return dispatch(String(method), params);
    });
    // Host events go to every workbench window (runs recorded by the CLI appear live).
    const send = (event: WorkbenchEvent): void => {
      for (const win of BrowserWindow.getAllWindows()) if (windows.has(win.webContents.id)) win.webContents.send(IPC_EVENT_CHANNEL, event);
    };
    const watcher = watchRuns(store, (data) => send({ type: 'runUpdated', data }));
    app.on('will-quit', () => watcher.stop());
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
