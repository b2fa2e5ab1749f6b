/**
 * The desktop app itself, where the Electron binary is installed (playwright.config.ts adds this project only
 * then): the built app (`out/`) starts on a store prepared by the CLI, with better-sqlite3 built for Electron's ABI
 * (scripts/electronSqlite.mjs); the page has no Node and sees exactly the preload's bridge; the contract answers
 * over IPC (the trace list, a trace opened by click); a call from the page with an unknown method is refused.
 */
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import path from 'node:path';
// @ts-expect-error: a plain .mjs build script without type declarations
import { electronVersion, ensureElectronSqlite } from '../../scripts/electronSqlite.mjs';
import { cliAsync, REPO, tempHome } from '../workbenchServer.js';

let app: ElectronApplication;
let traceId: string;

test.beforeAll(async () => {
  const home = tempHome();
  const out = await cliAsync(home, ['record', path.join(REPO, 'test/agents/cli-basic.mjs'), '--name', 'desktop-e2e', '--json']);
  traceId = (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { id: string }).id;
  const sqlite = (ensureElectronSqlite as (o: { electronVersion: string }) => { binding?: string; error?: string })({ electronVersion: (electronVersion as () => string)() });
  if (!sqlite.binding) throw new Error(`agenttrace: ${sqlite.error ?? 'no better-sqlite3 for Electron'}`);
  app = await electron.launch({ args: [REPO], env: { ...process.env, AGENTTRACE_HOME: home, AGENTTRACE_SQLITE_BINDING: sqlite.binding } });
});

test.afterAll(async () => {
  await app?.close();
});

test('the desktop app lists the store over IPC, opens a trace, and keeps Node out of the page', async () => {
  const win = await app.firstWindow();
  await expect(win.locator(`table.trace-list tbody tr[data-run-id="${traceId}"]`)).toContainText('desktop-e2e');
  expect(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await win.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  expect(await win.evaluate(() => Object.keys((globalThis as unknown as { agenttrace: object }).agenttrace).sort())).toEqual(['call', 'onEvent', 'pathForFile']);
  const refused = await win.evaluate(() => (globalThis as unknown as { agenttrace: { call(m: string, p: unknown): Promise<unknown> } }).agenttrace.call('dropTables', {}));
  expect(refused).toMatchObject({ ok: false, error: { code: 'ATR_UNKNOWN_METHOD' } });
  await win.locator(`table.trace-list tbody tr[data-run-id="${traceId}"]`).click();
  await expect(win.locator('.tl-row').first()).toBeVisible();
  await expect(win.locator('.tl-count')).toHaveText(/\d+ events/);
});
