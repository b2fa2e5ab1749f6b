/// <reference lib="dom" />
/**
 * Addresses that lead nowhere get a clear page instead of a dead end: an unknown run id says "Run not found" with a
 * way back to the list; a workbench URL without its token, or with a wrong one, explains to open the URL printed by
 * `agenttrace ui` (without ever showing the right token); a tab whose token the host stops accepting says the same.
 * A host that goes away costs the console at most a few lines (the event socket backs off), and the header says it
 * is reconnecting.
 */
import { expect, test, type ConsoleMessage } from '@playwright/test';
import path from 'node:path';
import { failOnPageErrors } from './pageChecks.js';
import { REPO, cli, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

let wb: Workbench;

test.beforeEach(async () => {
  const home = tempHome();
  cli(home, ['import', path.join(REPO, 'test/fixtures/traceFiles/chain.v1.agenttrace')]);
  wb = await startWorkbench(home);
});
test.afterEach(async () => {
  await wb?.stop();
});

failOnPageErrors();

test('an unknown run id shows "Run not found" with a link back to the traces list', async ({ page }) => {
  await page.goto(`${wb.url}#/run/nope`);
  await expect(page.getByRole('heading', { name: 'Run not found' })).toBeVisible();
  await expect(page.locator('.run-not-found')).toContainText('nope');
  const back = page.getByRole('link', { name: 'Back to the traces list' });
  await expect(back).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.locator('table.trace-list tbody tr').first()).toBeVisible();
});

test('the page without its token or with a wrong one explains what to open and does not leak the token', async ({ page }) => {
  for (const [url, says] of [
    [`${wb.origin}/`, 'has no access token'],
    [`${wb.origin}/?token=${'0'.repeat(48)}`, 'is not the one of the running'],
    [`${wb.origin}/?token=${wb.token.slice(0, -2)}#/run/x`, 'is not the one of the running'],
  ] as const) {
    const res = await page.goto(url);
    expect(res?.status()).toBe(401);
    await expect(page.getByRole('heading', { name: 'Open the link printed by agenttrace ui' })).toBeVisible();
    await expect(page.locator('body')).toContainText(says);
    expect(await page.content()).not.toContain(wb.token);
  }
});

test('a tab whose token the host refuses shows the same explanation instead of failing calls', async ({ page }) => {
  await page.goto(wb.url);
  await expect(page.locator('table.trace-list tbody tr').first()).toBeVisible();
  // What a restart of `agenttrace ui` does to an open tab: the host answers every call with 401.
  await page.route('**/api/call', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ ok: false, error: { code: 'ATR_UNAUTHORIZED', message: 'missing or wrong token' } }) }));
  await page.getByRole('searchbox', { name: 'Search traces' }).fill('chain');
  await expect(page.getByRole('heading', { name: 'Open the link printed by agenttrace ui' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('refused this page’s access token');
});

test('when the host goes away the event socket backs off: a few console lines at most, and the header says so', async ({ page }) => {
  const messages: ConsoleMessage[] = [];
  page.on('console', (m) => messages.push(m));
  await page.goto(wb.url);
  await expect(page.locator('table.trace-list tbody tr').first()).toBeVisible();
  // Navigating between screens resubscribes at once: no socket churn, no console lines.
  await page.locator('table.trace-list tbody tr').first().click();
  await expect(page.locator('.tl-row').first()).toBeVisible();
  await page.goBack();
  await expect(page.locator('table.trace-list tbody tr').first()).toBeVisible();
  expect(messages.map((m) => m.text())).toEqual([]);

  await wb.stop();
  await expect(page.getByRole('status').filter({ hasText: 'reconnecting' })).toBeVisible();
  await page.waitForTimeout(20_000);
  // Backoff 1, 2, 4, 8, 16 s (±20 %): at most 4 attempts in 20 s, each one line of the browser's own; nothing of ours.
  const lines = messages.map((m) => m.text());
  expect(lines.length, lines.join('\n')).toBeLessThanOrEqual(4);
  for (const l of lines) expect(l).toMatch(/WebSocket connection to .* failed/);
});
