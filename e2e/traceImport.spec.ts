/// <reference lib="dom" />
/**
 * Trace files into the workbench: drag-and-drop import of a golden `.agenttrace` fixture through a synthetic
 * DataTransfer (browser mode uploads the bytes through the contract), the error banner for a bad file, and the
 * sample trace offered on an empty store.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

const GOLDEN = path.join(REPO, 'test/fixtures/traceFiles/chain.v1.agenttrace');
const expected = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/traceFiles/chain.v1.expected.json'), 'utf8')) as { files: Record<string, { focus: string }> };

/** Drops files (name → bytes) on the Traces screen's drop zone, as the OS would: dragenter, dragover, drop. */
async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: 'application/octet-stream' }));
    return dt;
  }, payload);
  const zone = page.getByTestId('trace-drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await expect(page.locator('.trace-drop-overlay')).toBeVisible();
  await zone.dispatchEvent('drop', { dataTransfer });
}

test.describe('import into an empty store', () => {
  let wb: Workbench;
  test.beforeEach(async () => {
    wb = await startWorkbench(tempHome());
  });
  test.afterEach(async () => {
    await wb?.stop();
  });

  test('dropping a trace file imports it and opens it', async ({ page }) => {
    await page.goto(wb.url);
    await expect(page.getByRole('button', { name: 'Open the sample trace' })).toBeVisible();
    await dropFiles(page, [{ name: 'chain.v1.agenttrace', bytes: fs.readFileSync(GOLDEN) }]);
    const focus = expected.files['chain.v1.agenttrace']?.focus ?? '';
    await expect(page).toHaveURL(new RegExp(`#/run/${focus}`));
    await expect(page.locator('section.trace-screen')).toBeVisible();
    await page.goto(wb.url);
    await expect(page.locator(`table.trace-list tbody tr[data-run-id="${focus}"]`)).toBeVisible();
    await expect(page.locator('table.trace-list tbody tr')).toHaveCount(3);
  });

  test('"Open trace file…" imports the chosen files and opens the first', async ({ page }) => {
    await page.goto(wb.url);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open trace file…' }).click();
    await (await chooser).setFiles(GOLDEN);
    const focus = expected.files['chain.v1.agenttrace']?.focus ?? '';
    await expect(page).toHaveURL(new RegExp(`#/run/${focus}`));
    await expect(page.locator('.tl-row').first()).toBeVisible();
  });

  test('a bad file shows an error banner naming the file and the reason, and imports nothing', async ({ page }) => {
    await page.goto(wb.url);
    const golden = fs.readFileSync(GOLDEN);
    await dropFiles(page, [
      { name: 'truncated.agenttrace', bytes: golden.subarray(0, Math.floor(golden.length / 3)) },
      { name: 'notes.txt', bytes: Buffer.from('hello') },
    ]);
    const banner = page.getByRole('alert').filter({ hasText: 'Could not import' });
    await expect(banner).toContainText('truncated.agenttrace');
    await expect(banner).toContainText('notes.txt');
    await expect(banner).toContainText('not a trace file');
    await page.screenshot({ path: 'test-results/screens/import-error.png', fullPage: true });
    await expect(page).not.toHaveURL(/#\/run\//);
    // The store is untouched: still empty, the sample is still offered.
    await expect(page.getByRole('button', { name: 'Open the sample trace' })).toBeVisible();
    await page.getByRole('button', { name: 'Dismiss import errors' }).click();
    await expect(banner).toHaveCount(0);
  });

  test('the sample trace is offered on an empty store and opens with its branch', async ({ page }) => {
    await page.goto(wb.url);
    await page.getByRole('button', { name: 'Open the sample trace' }).click();
    await expect(page).toHaveURL(/#\/run\/[^/]+$/);
    await expect(page.locator('section.trace-screen')).toBeVisible();
    await expect(page.locator('.rh-name')).toContainText('sample-trip-planner');
    await page.goto(wb.url);
    const rows = page.locator('table.trace-list tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(page.locator('table.trace-list tbody tr', { hasText: 'rainy-day' })).toBeVisible();
  });
});
