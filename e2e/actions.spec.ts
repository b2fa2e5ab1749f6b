/**
 * The trace screen's actions end to end (the seed's "UI branch flow"): a trace recorded by the CLI (real openai
 * client against the mock LLM), opened in Chromium through `agenttrace ui`; Replay shows the verified verdict; Edit &
 * fork on the streamed LLM call with new reply text creates a branch that appears in the graph, runs to the end in
 * the background (live status), and shows the edited reply and the agent's changed output; Compare shows the diff.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LlmPayload, TraceEvent } from '../src/shared/trace/types.js';
import { startMockLlm, type MockLlmServer } from '../test/mock/llmServer.js';
import { failOnPageErrors, openRun as openTrace } from './pageChecks.js';
import { cliAsync, REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

let mock: MockLlmServer;
let wb: Workbench;
let traceId: string;
let events: TraceEvent[];
let outDir: string;

const EDITED = 'Otters are edited heroes of the kelp forest.';

test.beforeAll(async () => {
  mock = await startMockLlm();
  const home = tempHome();
  outDir = mkdtempSync(path.join(tmpdir(), 'agenttrace-e2e-out-'));
  const env = { MOCK_URL: mock.url, OUT_DIR: outDir };
  const out = await cliAsync(home, ['record', path.join(REPO, 'e2e/agents/workbench-agent.mjs'), '--name', 'e2e-actions', '--json'], env);
  traceId = (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { id: string }).id;
  events = (JSON.parse(await cliAsync(home, ['show', traceId, '--json'])) as { events: TraceEvent[] }).events;
  // The UI host runs the branch's agent: it needs the same environment as the recording.
  wb = await startWorkbench(home, env);
});

test.afterAll(async () => {
  await wb?.stop();
  await mock?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

failOnPageErrors();

const openRun = (page: Page, runId: string, step?: number): Promise<void> => openTrace(page, wb.url, runId, step);
const row = (page: Page, seq: number) => page.locator(`.tl-row[data-seq="${seq}"]`);

test('Replay shows the verified verdict', async ({ page }) => {
  await openRun(page, traceId);
  await page.getByRole('button', { name: 'Replay', exact: true }).click();
  const verdict = page.getByTestId('replay-verdict');
  await expect(verdict).toHaveText(/output identical \(\d+ events matched\)/, { timeout: 30_000 });
  const matched = Number(/\((\d+) events matched\)/.exec((await verdict.textContent()) ?? '')?.[1]);
  expect(matched).toBe(events.length);
});

test('UI branch flow: edit an LLM reply, fork, watch the branch run, see the edited reply and the changed output', async ({ page }) => {
  const llm = events.filter((e) => e.kind === 'llm') as TraceEvent<'llm'>[];
  const target = llm[2];
  const original = (target.payload as LlmPayload).reply!.content;
  await openRun(page, traceId);
  await row(page, target.seq).click();
  await expect(page.getByTestId('llm-request')).toContainText('Summarise otters in one line');
  await expect(page.getByTestId('llm-reply')).toContainText(original);

  // Edit & fork is offered on an LLM step only: prefilled with the reply text, validated as you type.
  await page.getByRole('button', { name: 'Edit & fork' }).click();
  const editor = page.getByLabel('Edited payload');
  await expect(editor).toHaveValue(original);
  await expect(page.getByTestId('edit-validation')).toHaveText('✓ valid edit');
  await editor.fill(EDITED);
  await expect(page.getByTestId('edit-validation')).toHaveText('✓ valid edit');
  await page.screenshot({ path: 'test-results/screens/edit-fork.png' });
  await page.getByRole('button', { name: 'Run branch' }).click();

  // The branch node appears and goes live to ok through runUpdated events (no reload).
  const branchId = `${traceId}__edit-${target.seq}`;
  await expect(page.getByTestId('branch-started')).toContainText(branchId);
  const node = page.getByLabel('Branch graph').locator(`.react-flow__node[data-id="${branchId}"]`);
  await expect(node).toBeVisible();
  await expect(node.locator('.run-node')).toHaveClass(/status-edge-ok/, { timeout: 30_000 });

  // Selecting it shows its events: the edited reply at the fork step and the agent's changed output.
  await node.click();
  await expect(page).toHaveURL(new RegExp(`#/run/${branchId}`));
  await expect(page.locator('.rh-fork')).toHaveText(`branch of ${traceId}, from step ${target.seq}`);
  await row(page, target.seq).click();
  await expect(page.getByTestId('llm-reply')).toContainText(EDITED);
  await page.getByRole('tab', { name: 'Console' }).click();
  const last = events.length - 1;
  await row(page, last).click();
  const log = page.getByRole('log', { name: 'Console output' });
  await expect(log).toContainText(`summary: ${EDITED}`);
  await expect(log).not.toContainText(`summary: ${original}`);
});

test('an invalid edit is explained inline and cannot be run', async ({ page }) => {
  // The openai client reads the clock (timeouts, retries): a recorded value to edit.
  const value = events.find((e) => e.kind === 'time' || e.kind === 'random');
  expect(value).toBeDefined();
  await openRun(page, traceId, value!.seq);
  await page.getByRole('button', { name: 'Edit & fork' }).click();
  const editor = page.getByLabel('Edited payload');
  await expect(editor).toHaveValue(/"value"/);
  await editor.fill('{"value": ');
  await expect(page.getByTestId('edit-validation')).toContainText('not valid JSON');
  await editor.fill('{"value": "not a number"}');
  await expect(page.getByTestId('edit-validation')).not.toHaveText('✓ valid edit');
  await expect(page.getByTestId('edit-validation')).not.toHaveText('Checking…');
  await expect(page.getByRole('button', { name: 'Run branch' })).toBeDisabled();
});

test('Compare with… shows the two runs side by side: first divergence and the changed reply', async ({ page }) => {
  const target = events.filter((e) => e.kind === 'llm')[2];
  const branchId = `${traceId}__edit-${target.seq}`;
  await openRun(page, traceId);
  await page.getByRole('button', { name: 'Compare with…' }).click();
  await page.getByLabel('Run to compare with').selectOption(branchId);
  const diff = page.getByTestId('run-diff');
  await expect(page.getByTestId('first-divergence')).toContainText(`First divergence at step ${target.seq}`);
  await expect(diff.locator('.cmp-changes')).toContainText(EDITED);
  await expect(diff.locator('.cmp-changes')).toContainText((target.payload as LlmPayload).reply!.content);
  await page.screenshot({ path: 'test-results/screens/compare.png' });
});

test('Resume from here records a resume branch that appears in the graph and finishes', async ({ page }) => {
  const step = events.find((e) => e.kind === 'console')!.seq;
  await openRun(page, traceId, step);
  await page.getByRole('button', { name: 'Resume from here' }).click();
  const branchId = `${traceId}__resume-${step}`;
  await expect(page.getByTestId('branch-started')).toContainText(branchId);
  const node = page.getByLabel('Branch graph').locator(`.react-flow__node[data-id="${branchId}"]`);
  await expect(node.locator('.run-node')).toHaveClass(/status-edge-ok/, { timeout: 30_000 });
  await page.getByTestId('branch-started').getByRole('button').click();
  await expect(page.locator('.rh-fork')).toHaveText(`branch of ${traceId}, from step ${step + 1}`);
});

test('Export saves a trace file of the run and its branches that opens in another store', async ({ page }) => {
  await openRun(page, traceId);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`${traceId.slice(0, 8)}.agenttrace`);
  await expect(page.getByTestId('export-done')).toContainText(`Saved ${traceId.slice(0, 8)}.agenttrace`);
  const saved = path.join(outDir, file.suggestedFilename());
  await file.saveAs(saved);
  const other = tempHome();
  try {
    const opened = JSON.parse(await cliAsync(other, ['import', saved, '--json'])) as unknown;
    expect(JSON.stringify(opened)).toContain(traceId);
    const shown = JSON.parse(await cliAsync(other, ['show', traceId, '--json'])) as { events: TraceEvent[] };
    expect(shown.events.map((e) => [e.seq, e.kind])).toEqual(events.map((e) => [e.seq, e.kind]));
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});

test('Delete branch asks first, then removes the branch and shows its parent, whose graph no longer has it', async ({ page }) => {
  const step = events.find((e) => e.kind === 'console')!.seq;
  const branchId = `${traceId}__resume-${step}`;
  await openRun(page, branchId);
  await expect(page.getByRole('button', { name: 'Delete branch…' })).toBeVisible();
  await page.getByRole('button', { name: 'Delete branch…' }).click();
  const confirm = page.getByRole('group', { name: 'Confirm delete' });
  await expect(confirm).toContainText('Delete this branch?');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await page.getByRole('button', { name: 'Delete branch…' }).click();
  await page.getByRole('group', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`#/run/${traceId}$`));
  const graph = page.getByLabel('Branch graph');
  await expect(graph.locator(`.react-flow__node[data-id="${traceId}"]`)).toBeVisible();
  await expect(graph.locator(`.react-flow__node[data-id="${branchId}"]`)).toHaveCount(0);
  // A trace offers no delete.
  await expect(page.getByRole('button', { name: 'Delete branch…' })).toHaveCount(0);
});
