/** The application menu: File (Open Trace…, Record Script…, Recent traces), then the standard Edit/View/Window. */
import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import type { RecentTrace } from '../engine/desktop/recentTraces.js';

export interface MenuActions {
  openTrace(): void;
  recordScript(): void;
  openRecent(file: string): void;
  clearRecent(): void;
}

export function installMenu(actions: MenuActions, recent: RecentTrace[]): void {
  const isMac = process.platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? [...recent.map((r) => ({ label: path.basename(r.path), sublabel: r.path, click: () => actions.openRecent(r.path) })), { type: 'separator' as const }, { label: 'Clear Recent', click: actions.clearRecent }]
    : [{ label: 'No recent traces', enabled: false }];
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Trace…', accelerator: 'CmdOrCtrl+O', click: actions.openTrace },
      { label: 'Record Script…', accelerator: 'CmdOrCtrl+N', click: actions.recordScript },
      { label: 'Recent Traces', submenu: recentItems },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ label: app.name, role: 'appMenu' as const }] : []),
    file,
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
