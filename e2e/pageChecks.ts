/** Playwright helpers shared by the workbench specs. */
import { expect, test, type Page } from '@playwright/test';

/** Every test of the calling spec fails if the page throws (an uncaught error in the renderer). */
export function failOnPageErrors(): void {
  const errors: string[] = [];
  test.beforeEach(({ page }) => {
    errors.length = 0;
    page.on('pageerror', (e) => errors.push(e.message));
  });
  test.afterEach(() => expect(errors).toEqual([]));
}

/** Opens a run's trace screen (optionally at a step) and waits for its timeline. */
export async function openRun(page: Page, baseUrl: string, runId: string, step?: number): Promise<void> {
  await page.goto(`${baseUrl}#/run/${encodeURIComponent(runId)}${step === undefined ? '' : `?step=${step}`}`);
  await expect(page.locator('.tl-row').first()).toBeVisible();
}
