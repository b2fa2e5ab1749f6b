/**
 * The branch graph at scale: a trace recorded by the CLI with 200 branches. The graph stays readable (the current run
 * at reading size, not the whole tree shrunk to dots), offers a minimap to roam, and a click opens a branch, which
 * the view then centres on. The branches are created in-process with the engine's createBranch (what `agenttrace
 * branch create` runs), since 200 CLI processes would take most of a minute.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { createBranch } from '../src/engine/branches/branches.js';
import { openStore } from '../src/engine/store/store.js';
import { failOnPageErrors } from './pageChecks.js';
import { cliAsync, REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

const BRANCHES = 200;
let wb: Workbench;
let traceId: string;

test.beforeAll(async () => {
  const home = tempHome();
  const out = await cliAsync(home, ['record', path.join(REPO, 'test/agents/cli-basic.mjs'), '--name', 'e2e-many-branches', '--json']);
  const rec = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { id: string; steps: number };
  traceId = rec.id;
  const store = openStore({ home });
  try {
    for (let k = 0; k < BRANCHES; k++) createBranch(store, { from: traceId, step: 1 + (k % (rec.steps - 1)), name: `b${k}` });
  } finally {
    store.close();
  }
  wb = await startWorkbench(home);
});

test.afterAll(async () => {
  await wb?.stop();
});

failOnPageErrors();

test('a trace with 200 branches: the graph shows the current run readable, with a minimap; a click opens a branch, which runs on request', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${wb.url}#/run/${traceId}`);
  const graph = page.getByLabel('Branch graph');
  const current = graph.locator(`.react-flow__node[data-id="${traceId}"]`);
  await expect(current).toBeVisible();
  await expect(graph.getByLabel('Branch graph overview')).toBeVisible();
  // Readable: the node is drawn at (nearly) its layout width of 220 px, not shrunk to fit 201 nodes.
  await expect.poll(async () => (await current.boundingBox())?.width ?? 0).toBeGreaterThan(180);
  const shown = graph.locator('.react-flow__node');
  expect(await shown.count()).toBeLessThan(60);
  await page.screenshot({ path: 'test-results/screens/branch-graph-200.png' });

  // A branch in full view next to the trace opens on click, and the view follows it.
  const pane = await graph.locator('.react-flow').boundingBox();
  let branchId: string | null = null;
  for (const node of await shown.all()) {
    const id = await node.getAttribute('data-id');
    const box = await node.boundingBox();
    if (!pane || !box || id === traceId) continue;
    if (box.x >= pane.x && box.y >= pane.y && box.x + box.width <= pane.x + pane.width && box.y + box.height <= pane.y + pane.height) {
      branchId = id;
      break;
    }
  }
  expect(branchId).toMatch(new RegExp(`^${traceId}__b\\d+$`));
  const branch = graph.locator(`.react-flow__node[data-id="${branchId}"]`);
  await branch.click();
  await expect(page).toHaveURL(new RegExp(`#/run/${encodeURIComponent(branchId as string)}`));
  const opened = graph.locator(`.react-flow__node[data-id="${branchId}"]`);
  await expect(opened.locator('.run-node')).toHaveClass(/run-node-current/);
  await expect.poll(async () => (await opened.boundingBox())?.width ?? 0).toBeGreaterThan(180);

  // Created by `branch create`, never run: the node says so and the trace screen offers to run it.
  await expect(opened).toContainText('not run yet');
  await page.getByRole('button', { name: 'Run branch' }).click();
  await expect(page.getByTestId('branch-started')).toContainText(branchId as string);
  await expect(opened.locator('.run-node')).toHaveClass(/status-edge-ok/, { timeout: 30_000 });
  await expect(page.locator('.run-header')).toContainText('ok');
  await expect(page.getByRole('button', { name: 'Run branch' })).toHaveCount(0);
});
