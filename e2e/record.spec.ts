/**
 * "Record a script…" end to end: from an empty store, the Traces screen's dialog starts a recording on the
 * `agenttrace ui` host (a relative path resolves from the host's folder), the trace screen opens at once and shows
 * the run growing live (status running, step count and timeline), keeps the user's selection while rows are
 * appended, and ends ok with the agent's console lines; bad input shows the host's error inline; Escape closes.
 */
import { failOnPageErrors } from './pageChecks.js';
import { expect, test, type Page } from '@playwright/test';
import { startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

let wb: Workbench;

test.beforeAll(async () => {
  wb = await startWorkbench(tempHome());
});

test.afterAll(async () => {
  await wb?.stop();
});

failOnPageErrors();

const stepsShown = async (page: Page): Promise<number> => Number(await page.locator('.rh-facts div', { hasText: 'Steps' }).locator('dd').textContent());

test('records a script from the dialog and shows its progress live until it ends ok', async ({ page }) => {
  await page.goto(wb.url);
  await expect(page.getByText('No traces yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Record a script…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record a script' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Script')).toBeFocused();
  // Relative: resolved from the folder `agenttrace ui` was started in (the repository, see workbenchServer.ts).
  await dialog.getByLabel('Script').fill('e2e/agents/record-steps.mjs');
  await dialog.getByLabel('Arguments').fill('--rounds 16 --label "e2e agent"');
  await dialog.getByLabel('Name').fill('e2e-recorded');
  await page.screenshot({ path: 'test-results/screens/record.png' });
  await dialog.getByRole('button', { name: 'Record' }).click();

  await expect(page).toHaveURL(/#\/run\/[0-9a-f-]{36}$/);
  await expect(dialog).toBeHidden();
  await expect(page.locator('.rh-name')).toHaveText('e2e-recorded');
  const badge = page.locator('.run-header .status');
  await expect(badge).toHaveText('running');
  // The step count and the timeline grow while the agent runs.
  await expect(page.locator('.tl-row').first()).toBeVisible();
  const early = await stepsShown(page);
  await page.locator('.tl-row').first().click();
  await expect(page).toHaveURL(/step=0$/);
  // Both at once: more steps shown while the badge still says running (not only after the run ended).
  await expect.poll(async () => ({ status: await badge.textContent(), grew: (await stepsShown(page)) > early }), { timeout: 10_000 }).toEqual({ status: 'running', grew: true });
  await expect(page.locator('.tl-row', { hasText: 'e2e agent: round 3 of 16' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/record-live.png' });

  await expect(badge).toHaveText('ok', { timeout: 20_000 });
  // The selection survived the appended rows.
  await expect(page).toHaveURL(/step=0$/);
  await expect(page.locator('.tl-row[data-seq="0"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.rh-facts div', { hasText: 'Exit' }).locator('dd')).toHaveText('0');
  const finalSteps = await stepsShown(page);
  expect(finalSteps).toBeGreaterThan(early);
  await expect(page.locator('.tl-count')).toHaveText(`${finalSteps} events`);

  // The last step's console holds every line the agent printed.
  await page.getByRole('tree', { name: 'Events' }).focus();
  await page.keyboard.press('End');
  await expect(page).toHaveURL(new RegExp(`step=${finalSteps - 1}$`));
  await page.getByRole('tab', { name: 'Console' }).click();
  const log = page.getByRole('log', { name: 'Console output' });
  await expect(log).toContainText('e2e agent: round 1 of 16');
  await expect(log).toContainText('e2e agent: round 16 of 16');
  await expect(log).toContainText('e2e agent: finished, drew 32 values');

  // Back on the Traces screen, the run is listed with its name and status.
  await page.getByRole('button', { name: 'Back to traces' }).click();
  await expect(page.locator('table.trace-list tbody tr', { hasText: 'e2e-recorded' }).locator('.status')).toHaveText('ok');
});

test('bad input shows the host error inline; Escape closes the dialog', async ({ page }) => {
  await page.goto(wb.url);
  await expect(page.locator('.traces-count')).toHaveText(/ runs?$/);
  const runsBefore = await page.locator('.traces-count').textContent();
  await page.getByRole('button', { name: 'Record a script…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record a script' });
  const error = dialog.getByTestId('record-error');
  await dialog.getByLabel('Script').fill('e2e/agents/no-such-agent.mjs');
  await dialog.getByLabel('Script').press('Enter');
  await expect(error).toContainText('script not found:');
  await expect(error).toContainText('no-such-agent.mjs');
  await expect(dialog).toBeVisible();
  await expect(page).not.toHaveURL(/#\/run\//);
  await page.screenshot({ path: 'test-results/screens/record-error.png' });

  await dialog.getByLabel('Script').fill('package.json');
  await expect(error).toBeEmpty();
  await dialog.getByRole('button', { name: 'Record' }).click();
  await expect(error).toContainText('unsupported extension ".json"');

  await dialog.getByLabel('Script').fill('e2e/agents/record-steps.mjs');
  await dialog.getByLabel('Arguments').fill('--label "unclosed');
  await dialog.getByRole('button', { name: 'Record' }).click();
  await expect(error).toHaveText('unclosed double quote in the arguments');

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Record a script…' })).toBeVisible();
  // Nothing was recorded by the failed attempts.
  await expect(page.locator('.traces-count')).toHaveText(runsBefore ?? '');
});
