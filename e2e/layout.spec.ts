/// <reference lib="dom" />
/**
 * Layout at laptop widths: a branch's run header (fork link, warnings, script path) stays inside its box at 1280 and
 * 1024 px, nothing overlapping the actions bar below it; the branch graph pane is as tall as its tree needs, so the
 * inspector below it gets the rest of the column instead of empty graph canvas.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { failOnPageErrors, overflowingX } from './pageChecks.js';
import { REPO, cli, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

let wb: Workbench;
let rootId: string;
let branchId: string;
let editedId: string;
let loneId: string;

test.beforeAll(async () => {
  const home = tempHome();
  cli(home, ['import', path.join(REPO, 'resources/sample/sample.agenttrace')]);
  const runs = JSON.parse(cli(home, ['list', '--json'])) as { id: string; parentId?: string }[];
  rootId = runs.find((r) => !r.parentId)?.id ?? '';
  branchId = runs.find((r) => r.parentId === rootId)?.id ?? '';
  // A branch with a long name and an edit, not run yet: the widest header (fork link, edit, status).
  editedId = `${rootId}__what-if-the-forecast-said-sunny-all-week`;
  cli(home, ['branch', 'create', rootId, '--step', '15', '--name', 'what-if-the-forecast-said-sunny-all-week']);
  cli(home, ['branch', 'edit', editedId, '--event', '15', '--payload', JSON.stringify({ content: 'Sunny all week.' })]);
  expect(branchId).toContain('__');
  // A run without branches: one node, the most common graph.
  const lone = JSON.parse(cli(home, ['record', path.join(REPO, 'test/agents/cli-basic.mjs'), '--name', 'lone', '--json']).trim().split('\n').pop() ?? '{}') as { id: string };
  loneId = lone.id;
  wb = await startWorkbench(home);
});
test.afterAll(async () => {
  await wb?.stop();
});

failOnPageErrors();

/** Children of the run header that stick out of it, and whether the header overlaps what follows it. */
async function headerProblems(page: Page): Promise<string[]> {
  return page.locator('.run-header').evaluate((h) => {
    const box = h.getBoundingClientRect();
    const out: string[] = [];
    if (h.scrollWidth > h.clientWidth + 1) out.push(`header scrolls: ${h.scrollWidth} > ${h.clientWidth}`);
    for (const el of Array.from(h.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        out.push(`${el.tagName.toLowerCase()}.${el.className} [${Math.round(r.left)}..${Math.round(r.right)} x ${Math.round(r.top)}..${Math.round(r.bottom)}] outside the header [${Math.round(box.left)}..${Math.round(box.right)} x ${Math.round(box.top)}..${Math.round(box.bottom)}]`);
      }
    }
    const next = h.nextElementSibling?.getBoundingClientRect();
    if (next && next.top < box.bottom - 1) out.push(`overlaps the next bar (${Math.round(next.top)} < ${Math.round(box.bottom)})`);
    // Every fact is on screen whole (numbers are never cut).
    for (const dd of Array.from(h.querySelectorAll('.rh-facts dd'))) if (dd.scrollWidth > dd.clientWidth + 1) out.push(`fact cut: ${dd.textContent}`);
    return out;
  });
}

for (const width of [1280, 1024]) {
  test(`a branch's run header fits at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    for (const id of [branchId, editedId]) {
      await page.goto(`${wb.url}#/run/${encodeURIComponent(id)}`);
      await expect(page.locator('.tl-row').first()).toBeVisible();
      await expect(page.locator('.rh-fork')).toBeVisible();
      expect(await headerProblems(page), id).toEqual([]);
      expect(await overflowingX(page, '.trace-screen'), id).toEqual([]);
      await expect(page.locator('.rh-fork')).toHaveAttribute('title', new RegExp(rootId));
    }
  });
}

for (const [what, nodes] of [
  ['a lone run', 1],
  ['a trace with two branches', 3],
] as const) {
  test(`the branch graph pane is as tall as its tree (${what}); the inspector takes the rest`, async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${wb.url}#/run/${nodes === 1 ? loneId : rootId}?step=1`);
    await expect(page.locator('.branch-graph .react-flow__node')).toHaveCount(nodes);
    // Let the graph fit itself to the pane.
    await page.waitForTimeout(500);
    const m = await page.evaluate(() => {
      const pane = document.querySelector('.branch-graph')!.getBoundingClientRect();
      const rects = Array.from(document.querySelectorAll('.branch-graph .react-flow__node')).map((n) => n.getBoundingClientRect());
      const top = Math.min(...rects.map((r) => r.top));
      const bottom = Math.max(...rects.map((r) => r.bottom));
      const column = document.querySelector('.trace-body .split-pane-rest')!.getBoundingClientRect();
      return { pane: pane.height, content: bottom - top, column: column.height, inside: top >= pane.top && bottom <= pane.bottom };
    });
    expect(m.inside, JSON.stringify(m)).toBe(true);
    // Padding and the zoom controls only: not ~200 px of empty canvas.
    expect(m.pane - m.content, JSON.stringify(m)).toBeLessThanOrEqual(130);
    await expect(page.locator('.insp-tabs')).toBeVisible();
    const inspector = await page.locator('.trace-body .split-pane-rest .split-pane-rest').evaluate((el) => el.getBoundingClientRect().height);
    expect(inspector + m.pane + 2, JSON.stringify({ inspector, ...m })).toBeGreaterThanOrEqual(m.column - 2);
  });
}
