/**
 * The timeline at scale (a 100k-event run opens, stays windowed, and keyboard navigation reaches its end) and live
 * updates (a run recorded by the CLI while the workbench is open appears without a reload, via the WebSocket).
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { failOnPageErrors } from './pageChecks.js';
import { cliAsync, REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

let wb: Workbench;
let home: string;
let bigId: string;

test.beforeAll(async () => {
  home = tempHome();
  const out = await cliAsync(home, ['record', path.join(REPO, 'e2e/agents/many-values.mjs'), '--name', 'e2e-100k', '--json']);
  bigId = (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { id: string }).id;
  wb = await startWorkbench(home);
});

test.afterAll(async () => {
  await wb?.stop();
});

failOnPageErrors();

test('a 100k-event run opens windowed, loads fully, and End/Home reach both ends', async ({ page }) => {
  await page.goto(`${wb.url}#/run/${bigId}`);
  await expect(page.locator('.tl-row').first()).toBeVisible();
  const total = 100_003;
  await expect(page.locator('.tl-count')).toHaveText(`${total.toLocaleString('en-US')} events`, { timeout: 30_000 });
  // Windowed: only the rows in view (plus overscan) exist in the DOM.
  expect(await page.locator('.tl-row').count()).toBeLessThan(100);
  await page.getByRole('tree', { name: 'Events' }).focus();
  await page.keyboard.press('End');
  await expect(page.locator(`.tl-row[data-seq="${total - 1}"]`)).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator(`.tl-row[data-seq="${total - 1}"]`)).toContainText('code 0');
  // Seqs: 0 console, 1..100000 Math.random values, then the console line and the exit.
  await page.keyboard.press('k');
  await expect(page.getByTestId('event-payload')).toContainText('mean 0.5');
  await page.keyboard.press('k');
  await expect(page).toHaveURL(new RegExp(`step=${total - 3}$`));
  await expect(page.locator('.insp-step')).toHaveText(`step ${total - 3}`);
  await expect(page.getByTestId('event-payload')).toContainText('"source": "Math.random"');
  await page.screenshot({ path: 'test-results/screens/timeline-100k.png' });
  await page.keyboard.press('Home');
  await expect(page.locator('.tl-row[data-seq="0"]')).toHaveAttribute('aria-selected', 'true');
  expect(await page.locator('.tl-row').count()).toBeLessThan(100);
});

test('100,000 Math.random values fold into one group row that unfolds and folds; a deep link into it unfolds it', async ({ page }) => {
  await page.goto(`${wb.url}#/run/${bigId}`);
  const group = page.locator('.tl-group[data-group="1"]');
  await expect(group).toContainText('Math.random × 100,000');
  await expect(group).toHaveAttribute('aria-expanded', 'false');
  await expect(page.locator('.tl-row[data-seq="2"]')).toHaveCount(0);
  await group.click();
  // Unfolded at the burst's first value; the keys walk its members.
  await expect(group).toHaveAttribute('aria-expanded', 'true');
  await expect(page).toHaveURL(/step=1$/);
  await expect(page.locator('.tl-row.tl-member[data-seq="1"]')).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tree', { name: 'Events' }).focus();
  await page.keyboard.press('j');
  await expect(page.locator('.tl-row.tl-member[data-seq="2"]')).toHaveAttribute('aria-selected', 'true');
  await page.screenshot({ path: 'test-results/screens/timeline-group.png' });
  // Folded again: the group is the selection and stands for the burst's last value, the state after it.
  await page.keyboard.press('ArrowLeft');
  await expect(page).toHaveURL(/step=100000$/);
  await expect(group).toHaveAttribute('aria-expanded', 'false');
  await expect(group).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.tl-member')).toHaveCount(0);

  await page.goto(`${wb.url}#/run/${bigId}?step=50000`);
  // Unfolded to show it: the row is a member of the group, selected and scrolled into view.
  await expect(page.locator('.tl-row.tl-member[data-seq="50000"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.tl-row.tl-member[data-seq="50000"]')).toBeInViewport();
  await expect(page.locator('.insp-step')).toHaveText('step 50000');
});

test('a run recorded while the workbench is open appears live', async ({ page }) => {
  await page.goto(wb.url);
  const rows = page.locator('table.trace-list tbody tr');
  await expect(rows).toHaveCount(1);
  const out = await cliAsync(home, ['record', path.join(REPO, 'test/agents/cli-basic.mjs'), '--name', 'e2e-live', '--json']);
  const id = (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { id: string }).id;
  // No reload: the server's run watcher pushes runUpdated over the WebSocket and the list refreshes.
  await expect(page.locator(`tr[data-run-id="${id}"]`)).toContainText('e2e-live', { timeout: 10_000 });
  await expect(rows).toHaveCount(2);
});
