/** The workbench window: sandboxed, isolated, no Node in the page, no navigation away, no new windows. */
import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAllowedNavigation, withCsp } from '../engine/desktop/csp.js';
import { isTraceFilePath } from '../engine/desktop/launchFiles.js';

/** Window ids allowed to call the contract (the IPC handler checks the sender against it). */
export const workbenchWindows = new Set<number>();

let cspInstalled = false;

/** The CSP as a response header for every load of the default session (file:// included), once per app. */
export function installCsp(): void {
  if (cspInstalled) return;
  cspInstalled = true;
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => cb({ responseHeaders: withCsp(details.responseHeaders) }));
}

/** Creates a window; `onTraceFileDropped` gets a trace file dropped outside the drop zone (Chromium would navigate to it). */
export function createWindow(onTraceFileDropped: (file: string) => void): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 760,
    minHeight: 480,
    title: 'AgentTrace',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const id = win.webContents.id;
  workbenchWindows.add(id);
  win.on('closed', () => workbenchWindows.delete(id));
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (isAllowedNavigation(url, win.webContents.getURL())) return;
    e.preventDefault();
    if (url.startsWith('file:') && isTraceFilePath(url)) onTraceFileDropped(fileURLToPath(url));
  });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
  return win;
}
