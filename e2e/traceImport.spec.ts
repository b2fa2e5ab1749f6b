/// <reference lib="dom" />
/**
 * Trace files into the workbench: drag-and-drop import of a golden `.agenttrace` fixture through a synthetic
 * DataTransfer (browser mode uploads the bytes through the contract), the error banner for a bad file (also when
 * good files came with it), drops anywhere in the window (never navigating away), and the sample trace offered on
 * an empty store.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

const GOLDEN = path.join(REPO, 'test/fixtures/traceFiles/chain.v1.agenttrace');
const expected = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/traceFiles/chain.v1.expected.json'), 'utf8')) as { files: Record<string, { focus: string }> };

/** A DataTransfer holding files (name → bytes), or only text when `files` is empty. */
async function transfer(page: Page, files: { name: string; bytes: Buffer }[], text?: string) {
  const payload = files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') }));
  return page.evaluateHandle(
    ({ list, text }) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: 'application/octet-stream' }));
      if (text !== undefined) dt.setData('text/uri-list', text);
      return dt;
    },
    { list: payload, text },
  );
}

/**
 * Drops on any element as the OS would (dragenter, dragover, drop), and reports whether the browser's default
 * action (opening the file or link, leaving the workbench) would have run: the drop event was not cancelled.
 */
async function dropOn(page: Page, selector: string, files: { name: string; bytes: Buffer }[], text?: string): Promise<{ defaultAllowed: boolean }> {
  const dataTransfer = await transfer(page, files, text);
  return page.locator(selector).first().evaluate((el, dt) => {
    const fire = (type: string): DragEvent => {
      const ev = new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt });
      el.dispatchEvent(ev);
      return ev;
    };
    fire('dragenter');
    const over = fire('dragover');
    const drop = fire('drop');
    // A dragover that is not cancelled means "no drop here" to the browser; a drop not cancelled navigates.
    return { defaultAllowed: !over.defaultPrevented || !drop.defaultPrevented };
  }, dataTransfer);
}

/** Drops files (name → bytes) on the Traces screen's drop zone, as the OS would: dragenter, dragover, drop. */
async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  const dataTransfer = await transfer(page, files);
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

  test('a mix of good and bad files imports the good one, stays on the list and keeps a banner line per bad file', async ({ page }) => {
    await page.goto(wb.url);
    const golden = fs.readFileSync(GOLDEN);
    await dropFiles(page, [
      { name: 'chain.v1.agenttrace', bytes: golden },
      { name: 'truncated.agenttrace', bytes: golden.subarray(0, Math.floor(golden.length / 3)) },
      { name: 'notes.txt', bytes: Buffer.from('hello') },
    ]);
    const banner = page.getByRole('alert').filter({ hasText: 'Could not import' });
    await expect(banner).toBeVisible();
    const lines = banner.locator('.drop-banner-text > div').filter({ hasText: 'Could not import' });
    await expect(lines).toHaveCount(2);
    await expect(lines.filter({ hasText: 'truncated.agenttrace' })).toHaveCount(1);
    await expect(lines.filter({ hasText: 'notes.txt' })).toContainText('not a trace file');
    for (const text of await lines.allTextContents()) expect(text.split('\n')).toHaveLength(1);
    await expect(banner).toContainText('Imported chain.v1.agenttrace');
    // The good file was imported (its runs are listed) and the page did not move away from the banner.
    await expect(page).not.toHaveURL(/#\/run\//);
    const focus = expected.files['chain.v1.agenttrace']?.focus ?? '';
    await expect(page.locator(`table.trace-list tbody tr[data-run-id="${focus}"]`)).toBeVisible();
    // The banner's Open button opens it; the banner survives the trip until dismissed.
    await banner.getByRole('button', { name: 'Open' }).click();
    await expect(page).toHaveURL(new RegExp(`#/run/${focus}`));
    await expect(banner).toBeVisible();
    await banner.getByRole('button', { name: 'Dismiss import errors' }).click();
    await expect(banner).toHaveCount(0);
  });

  test('a drop on the toolbar, the header or the trace screen is handled and never navigates the page away', async ({ page }) => {
    await page.goto(wb.url);
    const start = page.url();
    const golden = fs.readFileSync(GOLDEN);
    const focus = expected.files['chain.v1.agenttrace']?.focus ?? '';

    // Text or a link dropped on the toolbar: nothing to import, a note says so, the page stays.
    expect((await dropOn(page, '.traces-toolbar', [], 'https://example.com/')).defaultAllowed).toBe(false);
    await expect(page.getByRole('status').filter({ hasText: 'Only .agenttrace files can be dropped' })).toBeVisible();
    expect(page.url()).toBe(start);

    // A trace file dropped on the toolbar (outside the drop zone) is imported and opened.
    expect((await dropOn(page, '.traces-toolbar', [{ name: 'chain.v1.agenttrace', bytes: golden }])).defaultAllowed).toBe(false);
    await expect(page).toHaveURL(new RegExp(`#/run/${focus}`));
    await expect(page.locator('.tl-row').first()).toBeVisible();

    // On the trace screen (timeline, header): a bad file shows the banner there, and the screen stays.
    const runUrl = page.url();
    expect((await dropOn(page, '.tl-list', [{ name: 'notes.txt', bytes: Buffer.from('hello') }])).defaultAllowed).toBe(false);
    await expect(page.getByRole('alert').filter({ hasText: 'Could not import' })).toContainText('notes.txt');
    expect(page.url()).toBe(runUrl);
    expect((await dropOn(page, '.app-header', [], 'file:///etc/passwd')).defaultAllowed).toBe(false);
    expect(page.url()).toBe(runUrl);
    await expect(page.locator('section.trace-screen')).toBeVisible();
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
