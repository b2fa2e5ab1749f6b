/// <reference lib="dom" />
/**
 * Accessibility of the workbench in Chromium against `agenttrace ui`: axe-core finds no serious or critical
 * violation on the Traces screen, a Trace screen (timeline, branch graph, inspector), the fix review screen and the
 * settings dialog; every text reaches 4.5:1 contrast in the light and the dark palette; the keyboard alone opens a
 * run (focus lands on the timeline), finds and leaves the find box, reaches a branch graph node and opens it, and
 * `?` lists every shortcut in a dialog that keeps and returns the focus; the focus ring is visible.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startMockLlm, type MockLlmServer } from '../test/mock/llmServer.js';
import { failOnPageErrors, lowContrastTexts } from './pageChecks.js';
import { REPO, cli, cliAsync, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

let mock: MockLlmServer;
let wb: Workbench;
let work: string;
let rootId: string;
let branchId: string;
let fixId: string;

interface ListedRun {
  id: string;
  name?: string;
  parentId?: string;
  status: string;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  mock = await startMockLlm();
  const home = tempHome();
  cli(home, ['import', path.join(REPO, 'resources/sample/sample.agenttrace')]);
  // A failed run and its fix (AI off), recorded and fixed by the real CLI, for the fix review screen.
  work = path.join(REPO, 'test-results', `a11y-e2e-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  const agent = path.join(work, 'agent.mjs');
  copyFileSync(path.join(REPO, 'e2e/agents/fix-json-agent.mjs'), agent);
  const env = { MOCK_URL: mock.url, GROQ_API_KEY: '' };
  await cliAsync(home, ['record', agent, '--name', 'a11y-fix', '--json'], env).catch(() => undefined);
  const runs = JSON.parse(cli(home, ['list', '--json'])) as ListedRun[];
  const failed = runs.find((r) => r.name === 'a11y-fix');
  expect(failed?.status).toBe('failed');
  await cliAsync(home, ['fix', failed!.id, '--no-ai', '--json'], env).catch(() => undefined);
  const fixes = JSON.parse(cli(home, ['fix', 'list', '--json'])) as { id: string }[];
  fixId = fixes[0]?.id ?? '';
  expect(fixId).toMatch(/^fix-/);
  const sample = runs.find((r) => r.name?.includes('sample-trip-planner') && !r.parentId);
  rootId = sample?.id ?? '';
  expect(rootId).not.toBe('');
  wb = await startWorkbench(home, env);
});

test.afterAll(async () => {
  await wb?.stop();
  await mock?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

failOnPageErrors();

/** Serious and critical axe violations on the page as it is, one readable line each. */
async function axeProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact ?? ''}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`));
}

async function openTraceScreen(page: Page): Promise<void> {
  await page.goto(`${wb.url}#/run/${rootId}?step=1`);
  await expect(page.locator('.tl-row').first()).toBeVisible();
  await expect(page.locator('.branch-graph .react-flow__node').first()).toBeVisible();
  await expect(page.locator('.insp-tabs')).toBeVisible();
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe and contrast (${scheme}): traces, trace screen, fix review, settings dialog`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(wb.url);
    await expect(page.locator('table.trace-list tbody tr').first()).toBeVisible();
    expect(await axeProblems(page)).toEqual([]);
    expect(await lowContrastTexts(page, '.app')).toEqual([]);

    await openTraceScreen(page);
    // The kind chips both pressed and not, and a selected timeline row, are on screen.
    await page.locator('.tl-chip.kind-llm').click();
    await page.locator('.tl-chip-all').click();
    expect(await axeProblems(page)).toEqual([]);
    expect(await lowContrastTexts(page, '.app')).toEqual([]);

    await page.goto(`${wb.url}#/fix/${fixId}`);
    await expect(page.getByTestId('fix-status')).toBeVisible();
    await expect(page.getByTestId('candidate').first()).toBeVisible({ timeout: 30_000 });
    expect(await axeProblems(page)).toEqual([]);
    expect(await lowContrastTexts(page, '.fix-review')).toEqual([]);

    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('dialog', { name: 'AutoFix settings' })).toBeVisible();
    expect(await axeProblems(page)).toEqual([]);
    expect(await lowContrastTexts(page, '.settings-dialog')).toEqual([]);
  });
}

test('keyboard: open a run, j/k, find and Esc, reach a graph node and open it with Enter', async ({ page }) => {
  await page.goto(wb.url);
  const row = page.locator(`table.trace-list tbody tr[data-run-id="${rootId}"]`);
  await row.focus();
  await page.keyboard.press('Enter');
  // Focus lands on the timeline once the run opened: j selects the next step right away.
  const list = page.getByRole('tree', { name: 'Events' });
  await expect(list).toBeFocused();
  await page.keyboard.press('j');
  await expect(page).toHaveURL(/step=0$/);
  await page.keyboard.press('j');
  await expect(page).toHaveURL(/step=1$/);

  // / focuses the find box; Esc clears it and returns to the timeline (j works again).
  await page.keyboard.press('/');
  const find = page.getByRole('searchbox', { name: 'Find in timeline' });
  await expect(find).toBeFocused();
  await page.keyboard.type('weather');
  await page.keyboard.press('Escape');
  await expect(find).toHaveValue('');
  await expect(list).toBeFocused();
  await page.keyboard.press('j');
  await expect(page).toHaveURL(/step=2$/);

  // Tab reaches the branch graph's run nodes (buttons with a name); Enter opens the branch.
  let reached = '';
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => {
      const el = document.activeElement;
      return el?.classList.contains('react-flow__node') && el.getAttribute('data-id') !== null && !el.getAttribute('aria-label')?.startsWith('Current run') ? (el.getAttribute('data-id') ?? '') : '';
    });
  }
  expect(reached).not.toBe('');
  const node = page.locator(`.react-flow__node[data-id="${reached}"]`);
  await expect(node).toHaveAttribute('role', 'button');
  await expect(node).toHaveAttribute('aria-label', /^Open run /);
  // The focus ring is visible on the node.
  const ring = await node.evaluate((el) => {
    const st = getComputedStyle(el);
    return { style: st.outlineStyle, width: parseFloat(st.outlineWidth) };
  });
  expect(ring.style).not.toBe('none');
  expect(ring.width).toBeGreaterThanOrEqual(2);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/run/${encodeURIComponent(reached)}`));
  branchId = reached;
  expect(branchId).toContain('__');
});

test('? lists every shortcut in a modal dialog; Esc closes it and the focus goes back', async ({ page }) => {
  await openTraceScreen(page);
  const list = page.getByRole('tree', { name: 'Events' });
  await list.focus();
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  // Every shortcut the workbench has, with its keys (the renderer's list is not importable here: layers).
  const row = (what: string) => dialog.locator('.sh-row', { has: page.locator('dd', { hasText: what }) }).first();
  for (const [where, keys, what] of [
    ['Anywhere', ['?'], 'Show this list of shortcuts'],
    ['Traces list', ['j', '↓'], 'Next run'],
    ['Traces list', ['Enter', 'Space'], 'Open the run'],
    ['Timeline', ['j', '↓'], 'Next step'],
    ['Timeline', ['k', '↑'], 'Previous step'],
    ['Timeline', ['PageDown', 'PageUp'], 'A page of steps'],
    ['Timeline', ['Home', 'End'], 'First or last step'],
    ['Timeline', ['→', 'Enter'], 'Unfold a group'],
    ['Timeline', ['/'], 'Find in the timeline'],
    ['Timeline', ['Esc'], 'clear it and go back to the timeline'],
    ['Branch graph', ['Enter', 'Space'], 'Open that run'],
    ['Inspector and panes', ['←', '→'], 'previous or next tab'],
    ['Edit & fork', ['Ctrl+Enter', '⌘+Enter'], 'Run the branch with the edit'],
  ] as const) {
    await expect(dialog.getByRole('heading', { name: where })).toBeVisible();
    await expect(row(what)).toBeVisible();
    expect(await row(what).locator('kbd').allTextContents()).toEqual([...keys]);
  }
  // Focus stays in the dialog while it is open.
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]') || document.activeElement === document.body)).toBe(true);
  }
  expect(await axeProblems(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(list).toBeFocused();
  // Typing ? in a text field types it.
  await page.getByRole('searchbox', { name: 'Find in timeline' }).focus();
  await page.keyboard.press('?');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('searchbox', { name: 'Find in timeline' })).toHaveValue('?');
  // The header's Shortcuts button opens it too.
  await page.getByRole('button', { name: /Shortcuts/ }).click();
  await expect(dialog).toBeVisible();
});

test('the focus ring is visible on buttons reached by Tab', async ({ page }) => {
  await page.goto(wb.url);
  await expect(page.locator('table.trace-list tbody tr').first()).toBeVisible();
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const st = getComputedStyle(el);
    return { tag: el.tagName, style: st.outlineStyle, width: parseFloat(st.outlineWidth) };
  });
  expect(ring.tag).not.toBe('BODY');
  expect(ring.style).not.toBe('none');
  expect(ring.width).toBeGreaterThanOrEqual(2);
});
