/**
 * "Open on the error" end to end, in Chromium against `agenttrace ui`: a script recorded from the Record dialog
 * (real openai client against the mock LLM) fails on the 10th pass of its loop. Its trace opens on the error step
 * once the run ends, and the error panel shows the type and message as text, the stack as frames (library frames
 * folded), and for a chosen frame the recorded source at its line and the locals of that pass (i = 9, Atlantis).
 * Opening the run again from its URL selects the error step again; everything works from the keyboard.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startMockLlm, type MockLlmServer } from '../test/mock/llmServer.js';
import { failOnPageErrors, lowContrastTexts } from './pageChecks.js';
import { REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

const AGENT = 'test/agents/err-locals.mjs';
const lineOf = (marker: string): number => readFileSync(path.join(REPO, AGENT), 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;

let mock: MockLlmServer;
let wb: Workbench;

test.beforeAll(async () => {
  mock = await startMockLlm();
  wb = await startWorkbench(tempHome(), { MOCK_LLM_URL: mock.url });
});

test.afterAll(async () => {
  await wb?.stop();
  await mock?.close();
});

failOnPageErrors();

test('a failed run opens on its error: message, frames, source at the line, locals of the failing pass', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(wb.url);
  await page.getByRole('button', { name: 'Record a script…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record a script' });
  await dialog.getByLabel('Script').fill(AGENT);
  await dialog.getByLabel('Arguments').fill('loop');
  await dialog.getByLabel('Name').fill('cities');
  await dialog.getByRole('button', { name: 'Record' }).click();
  await expect(page).toHaveURL(/#\/run\/[0-9a-f-]{36}$/);
  const runUrl = page.url();
  await expect(page.locator('.run-header .status')).toHaveText('failed', { timeout: 60_000 });

  // The error step is selected by itself once the run has ended.
  await expect(page).toHaveURL(/\?step=\d+$/);
  const step = Number(/step=(\d+)$/.exec(page.url())![1]);
  await expect(page.locator(`.tl-row[data-seq="${step}"]`)).toHaveAttribute('aria-selected', 'true');
  const panel = page.getByRole('region', { name: 'Error', exact: true });
  await expect(panel.getByRole('heading', { level: 3 })).toHaveText('Error: no population for Atlantis');
  await expect(panel.getByText('Unhandled promise rejection')).toBeVisible();

  // Frames: own code first; the innermost own frame is chosen, with the throw line highlighted.
  const frames = panel.getByRole('list', { name: 'Stack frames' });
  await expect(frames.getByRole('button', { name: /^populationOf/ })).toHaveAttribute('aria-current', 'true');
  const throwLine = lineOf('throw new Error(`no population');
  const code = panel.getByRole('region', { name: `Source around line ${throwLine}` });
  await expect(code.locator('[aria-current="true"]')).toContainText('if (millions === undefined) throw new Error');
  await expect(panel.getByText('Recorded when the error happened')).toBeVisible();

  // The caller's frame, chosen from the keyboard: its line in view and the locals of the 10th pass.
  const loopFrame = frames.getByRole('button', { name: /^loop/ });
  await loopFrame.focus();
  await page.keyboard.press('Enter');
  await expect(loopFrame).toHaveAttribute('aria-current', 'true');
  const callLine = lineOf('notes.push(`${city}: ${populationOf(city)}');
  const callerCode = panel.getByRole('region', { name: `Source around line ${callLine}` });
  const hit = callerCode.locator('[aria-current="true"]');
  await expect(hit).toContainText('populationOf(city)');
  await expect(hit).toBeInViewport();
  const locals = panel.getByRole('region', { name: 'Locals at the error' }).getByRole('tree');
  await expect(locals.getByRole('treeitem').filter({ hasText: /^\s*i\s*:?\s*9\s*$/ })).toHaveCount(1);
  await expect(locals).toContainText('"Atlantis"');
  await expect(locals).toContainText('echo: Describe Atlantis');
  // For the README picture: the branch graph made small from the keyboard, so source and locals fit.
  const divider = page.getByRole('separator', { name: 'Resize branch graph' });
  await divider.focus();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowUp');
  await expect(divider).toHaveAttribute('aria-valuenow', '15');
  await panel.getByRole('heading', { level: 3 }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/error-panel.png' });

  // Library frames are folded behind a toggle that opens from the keyboard too.
  const fold = frames.getByRole('button', { name: /library frames?$/ }).first();
  await expect(fold).toHaveAttribute('aria-expanded', 'false');
  await fold.focus();
  await page.keyboard.press('Enter');
  await expect(fold).toHaveAttribute('aria-expanded', 'true');

  for (const part of ['.ep-head', '.ep-body > .frame-list', '.sp-title', '.sp-meta', '.sp-code', '.sp-locals']) expect(await lowContrastTexts(page, part)).toEqual([]);
  const axe = await new AxeBuilder({ page }).include('.error-panel').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  // The same in the dark theme (the locals tree's string, number and punctuation colours included).
  await page.emulateMedia({ colorScheme: 'dark' });
  for (const part of ['.ep-head', '.ep-body > .frame-list', '.sp-meta', '.sp-code', '.sp-locals']) expect(await lowContrastTexts(page, part)).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });

  // Opened again from the Traces list, and from a link without a step: the error step is selected again.
  await page.getByRole('button', { name: 'Back to traces' }).click();
  await page.locator('table.trace-list tbody tr', { hasText: 'cities' }).click();
  await expect(page).toHaveURL(new RegExp(`step=${step}$`));
  await expect(page.getByRole('region', { name: 'Error', exact: true }).getByRole('heading', { level: 3 })).toHaveText('Error: no population for Atlantis');
  await page.goto('about:blank');
  await page.goto(runUrl);
  await expect(page).toHaveURL(new RegExp(`step=${step}$`));
  await expect(page.getByRole('region', { name: 'Error', exact: true }).getByRole('heading', { level: 3 })).toHaveText('Error: no population for Atlantis');
});
