// A stand-in for the `electron` module: records what the main process asks of Electron, then drives a scenario
// against it (IPC from a foreign and an own sender, the CSP header, navigation, the menu, files from argv) and prints
// one `STUB-RESULT <json>` line. Only the APIs src/main uses exist here; anything else fails loudly.
import { EventEmitter } from 'node:events';

const rec = { windows: [], sent: [], menu: null, cspListener: null, ipc: new Map(), recentDocs: [], notifications: [] };
let nextId = 1;

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.id = nextId++;
    this.url = 'file:///app/out/renderer/index.html';
    this.windowOpenHandler = null;
  }
  send(channel, event) {
    rec.sent.push({ channel, event });
  }
  setWindowOpenHandler(fn) {
    this.windowOpenHandler = fn;
  }
  getURL() {
    return this.url;
  }
}

export class BrowserWindow extends EventEmitter {
  static all = [];
  static getAllWindows() {
    return BrowserWindow.all;
  }
  static getFocusedWindow() {
    return null;
  }
  constructor(opts) {
    super();
    this.opts = opts;
    this.webContents = new WebContents();
    BrowserWindow.all.push(this);
    rec.windows.push(this);
  }
  loadFile(file) {
    this.loaded = file;
    setTimeout(() => this.webContents.emit('did-finish-load'), 20);
    return Promise.resolve();
  }
  loadURL(url) {
    return this.loadFile(url);
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
  show() {}
}

class App extends EventEmitter {
  isPackaged = false;
  name = 'AgentTrace';
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    setTimeout(scenario, 300);
    return Promise.resolve();
  }
  addRecentDocument(p) {
    rec.recentDocs.push(p);
  }
  quit() {}
}
export const app = new App();
export const ipcMain = { handle: (channel, fn) => rec.ipc.set(channel, fn) };
export const session = { defaultSession: { webRequest: { onHeadersReceived: (fn) => (rec.cspListener = fn) } } };
export const Menu = { buildFromTemplate: (t) => t, setApplicationMenu: (m) => (rec.menu = m) };
export const dialog = {
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showMessageBox: async (_w, o) => (rec.dialogs = [...(rec.dialogs ?? []), o]),
};
export class Notification {
  static isSupported() {
    return true;
  }
  constructor(o) {
    rec.notifications.push(o);
  }
  on() {}
  show() {}
}
export const shell = { openExternal: async () => undefined };
/**
 * safeStorage: the stub has no OS keychain, so the key vault falls back to memory (as on a Linux desktop without a
 * secret service); the cipher is reversible only so that a call that does reach it round-trips.
 */
export const safeStorage = {
  isEncryptionAvailable: () => false,
  encryptString: (s) => Buffer.from(String(s), 'utf8').reverse(),
  decryptString: (b) => Buffer.from(b).reverse().toString('utf8'),
};

async function scenario() {
  const out = {};
  try {
    const call = rec.ipc.get('agenttrace:call');
    const win = rec.windows[0];
    out.webPreferences = win.opts.webPreferences;
    out.preloadEndsWith = win.opts.webPreferences.preload.replaceAll('\\', '/').split('/').slice(-2).join('/');
    out.foreign = await call({ sender: { id: 999 } }, 'listRuns', {});
    out.unknownMethod = await call({ sender: { id: win.webContents.id } }, 'nope', {});
    // Files from argv are imported once the page loaded, then opened.
    for (let i = 0; i < 100 && !rec.sent.some((s) => s.event.type === 'openRun'); i++) await new Promise((r) => setTimeout(r, 50));
    out.openRun = rec.sent.find((s) => s.event.type === 'openRun')?.event ?? null;
    out.listRuns = await call({ sender: { id: win.webContents.id } }, 'listRuns', {});
    rec.cspListener({ responseHeaders: { 'Content-Security-Policy': ['default-src *'] } }, (r) => (out.cspHeaders = r.responseHeaders));
    const nav = (url) => {
      let prevented = false;
      win.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    out.navigation = { external: nav('https://example.com/'), sameHash: nav(`${win.webContents.url}#/run/x`) };
    out.windowOpen = win.webContents.windowOpenHandler({ url: 'https://example.com/' });
    out.menu = rec.menu.map((m) => ({ label: m.label ?? m.role, items: Array.isArray(m.submenu) ? m.submenu.map((i) => i.label ?? i.role ?? i.type) : undefined }));
    out.recentMenu = rec.menu.find((m) => m.label === 'File').submenu.find((i) => i.label === 'Recent Traces').submenu.map((i) => i.label ?? i.type);
    out.recentDocs = rec.recentDocs;
    out.dialogs = rec.dialogs ?? [];
  } catch (e) {
    out.error = String(e?.stack ?? e);
  }
  app.emit('will-quit');
  process.stdout.write(`STUB-RESULT ${JSON.stringify(out)}\n`);
  process.exit(0);
}
