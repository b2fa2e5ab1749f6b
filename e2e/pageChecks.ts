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

/**
 * WCAG contrast of every visible text element under `root` against the first opaque background behind it: each must
 * reach `min` (4.5:1 for body text). Returns the offenders as readable lines (empty: all pass).
 */
export async function lowContrastTexts(page: Page, root: string, min = 4.5): Promise<string[]> {
  return page.locator(root).evaluate((el, minRatio) => {
    const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]): number => {
      const f = (v: number): number => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (n: Element | null): number[] => {
      for (let e = n; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3] >= 0.99)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out: string[] = [];
    for (const n of Array.from(el.querySelectorAll('*'))) {
      const own = Array.from(n.childNodes).some((c) => c.nodeType === 3 && (c.textContent ?? '').trim() !== '');
      const box = n.getBoundingClientRect();
      const st = getComputedStyle(n);
      if (!own || box.width === 0 || st.visibility === 'hidden' || n.closest('[aria-disabled="true"],:disabled,.cm-editor')) continue;
      const [a, b] = [lum(rgb(st.color).slice(0, 3)), lum(background(n))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < minRatio) out.push(`${n.tagName.toLowerCase()}.${n.className}: ${ratio.toFixed(2)}:1 "${(n.textContent ?? '').trim().slice(0, 40)}"`);
    }
    return out;
  }, min);
}

/** Elements under `root` that stick out of the viewport's width (horizontal overflow at the current size). */
export async function overflowingX(page: Page, root: string): Promise<string[]> {
  return page.locator(root).evaluate((el) => {
    const width = document.documentElement.clientWidth;
    return Array.from(el.querySelectorAll('button, h1, h2, h3, table, .verdict'))
      .filter((n) => n.getBoundingClientRect().right > width + 1)
      .map((n) => `${n.tagName.toLowerCase()}.${n.className} ends at ${Math.round(n.getBoundingClientRect().right)}px > ${width}px`);
  });
}
