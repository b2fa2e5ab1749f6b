import { expect, test } from '@playwright/test';
import path from 'node:path';
import { cli, REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

let wb: Workbench;
let traceId: string;

test.beforeAll(async () => {
  const home = tempHome();
  const out = cli(home, ['record', path.join(REPO, 'test/agents/cli-basic.mjs'), '--name', 'e2e-basic', '--json']);
  traceId = (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { id: string }).id;
  wb = await startWorkbench(home);
});

test.afterAll(async () => {
  await wb?.stop();
});

test('the trace list shows runs recorded by the CLI', async ({ page }) => {
  await page.goto(wb.url);
  const row = page.locator('table.trace-list tbody tr', { hasText: 'e2e-basic' });
  await expect(row).toBeVisible();
  await expect(row.locator('.status')).toHaveText('ok');
  await expect(row).toHaveAttribute('data-run-id', traceId);
  await page.screenshot({ path: 'test-results/screens/trace-list.png', fullPage: true });
});

test('the contract refuses calls without the token', async ({ request }) => {
  const denied = await request.post(`${wb.origin}/api/call`, { data: { method: 'listRuns', params: {} } });
  expect(denied.status()).toBe(401);
  const allowed = await request.post(`${wb.origin}/api/call`, { data: { method: 'listRuns', params: {} }, headers: { 'x-agenttrace-token': wb.token } });
  expect(allowed.status()).toBe(200);
  const body = (await allowed.json()) as { ok: boolean; result: { runs: { id: string }[] } };
  expect(body.ok).toBe(true);
  expect(body.result.runs.map((r) => r.id)).toContain(traceId);
});
