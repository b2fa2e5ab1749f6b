/**
 * The read-only workbench end to end: a trace recorded by the CLI from an agent using the real openai client against
 * the mock LLM server, plus its resume branch, opened in Chromium through `agenttrace ui`.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { LlmPayload, TraceEvent } from '../src/shared/trace/types.js';
import { startMockLlm, type MockLlmServer } from '../test/mock/llmServer.js';
import { failOnPageErrors, openRun as openTrace } from './pageChecks.js';
import { cliAsync, REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

let mock: MockLlmServer;
let wb: Workbench;
let traceId: string;
let branchId: string;
let events: TraceEvent[];
/** The step the resume branch forks at: the console line after the first answer. */
let forkStep: number;
/** Where the agent writes its file (not the AgentTrace home: the recorder ignores writes inside its own folder). */
let outDir: string;

const seqOf = (pred: (e: TraceEvent) => boolean): number => {
  const e = events.find(pred);
  if (!e) throw new Error('event not recorded');
  return e.seq;
};

test.beforeAll(async () => {
  mock = await startMockLlm();
  const home = tempHome();
  outDir = mkdtempSync(path.join(tmpdir(), 'agenttrace-e2e-out-'));
  const env = { MOCK_URL: mock.url, OUT_DIR: outDir };
  const out = await cliAsync(home, ['record', path.join(REPO, 'e2e/agents/workbench-agent.mjs'), '--name', 'e2e-openai', '--json'], env);
  traceId = (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { id: string }).id;
  events = (JSON.parse(await cliAsync(home, ['show', traceId, '--json'])) as { events: TraceEvent[] }).events;
  forkStep = seqOf((e) => e.kind === 'console');
  await cliAsync(home, ['replay', traceId, '--step', String(forkStep)], env);
  branchId = `${traceId}__resume-${forkStep}`;
  wb = await startWorkbench(home);
});

test.afterAll(async () => {
  await wb?.stop();
  await mock?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

failOnPageErrors();

const openRun = (page: Page, runId: string, step?: number): Promise<void> => openTrace(page, wb.url, runId, step);
const row = (page: Page, seq: number) => page.locator(`.tl-row[data-seq="${seq}"]`);

test('traces screen: search and status filter; a row opens its trace by keyboard', async ({ page }) => {
  await page.goto(wb.url);
  const rows = page.locator('table.trace-list tbody tr');
  await expect(rows).toHaveCount(2);
  await page.screenshot({ path: 'test-results/screens/traces.png' });
  await page.getByLabel('Search traces').fill('resume');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-run-id', branchId);
  await page.getByLabel('Search traces').fill('');
  await page.getByLabel('Filter by status').selectOption('failed');
  await expect(page.getByText('No run matches these filters.')).toBeVisible();
  await page.getByLabel('Filter by status').selectOption('ok');
  await expect(rows).toHaveCount(2);
  await page.locator(`tr[data-run-id="${traceId}"]`).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/run/${traceId}$`));
  await expect(page.locator('.rh-name')).toHaveText('e2e-openai');
});

test('an LLM step shows the request messages and the reply', async ({ page }) => {
  const llm = events.filter((e) => e.kind === 'llm') as TraceEvent<'llm'>[];
  expect(llm).toHaveLength(3);
  const first = llm[0].payload as LlmPayload;
  await openRun(page, traceId);
  await row(page, llm[0].seq).click();
  await expect(page).toHaveURL(new RegExp(`step=${llm[0].seq}$`));
  const request = page.getByTestId('llm-request');
  await expect(request).toContainText('You are a terse naturalist.');
  await expect(request).toContainText('What do otters eat?');
  expect(first.reply?.content).toBeTruthy();
  await expect(page.getByTestId('llm-reply')).toContainText(first.reply!.content);
  await page.screenshot({ path: 'test-results/screens/trace-event.png' });

  // The streamed call keeps its chunks, with the raw exchange.
  await row(page, llm[2].seq).click();
  await expect(page.getByTestId('llm-reply')).toContainText((llm[2].payload as LlmPayload).reply!.content);
  await expect(page.getByTestId('llm-facts')).toContainText(/streamed \(\d+ chunks\)/);
  await page.getByTestId('llm-raw-toggle').click();
  await page.getByTestId('llm-chunks').locator('summary').click();
  await expect(page.getByTestId('llm-chunks').locator('li').first()).toContainText('data:');
});

test('state tab: tracked state at the step, the value changed by it highlighted', async ({ page }) => {
  const firstLlm = seqOf((e) => e.kind === 'llm');
  const stateSeq = seqOf((e) => e.kind === 'state' && e.seq > firstLlm);
  await openRun(page, traceId, stateSeq);
  await page.getByRole('tab', { name: 'State' }).click();
  const tracked = page.getByTestId('state-tracked');
  await expect(tracked.locator('[data-path="tracked.memory.topic"]')).toContainText('"otters"');
  const changed = tracked.locator('[data-path="tracked.memory.answers.0"]');
  await expect(changed).toContainText('What do otters eat?');
  await expect(changed).toHaveClass(/jt-changed/);
  await expect(tracked.locator('[data-path="tracked.memory.topic"]')).not.toHaveClass(/jt-changed/);
  await page.screenshot({ path: 'test-results/screens/trace-state.png' });

  // One step earlier the answer did not exist yet.
  await page.getByRole('tree', { name: 'Events' }).focus();
  await page.keyboard.press('k');
  await expect(tracked.locator('[data-path="tracked.memory.answers.0"]')).toHaveCount(0);
});

test('timeline keyboard navigation moves the selection and the inspector with it', async ({ page }) => {
  // The rows shown: the openai client's own clock and random reads are library internals, hidden by default.
  const shown = events.filter((e) => !(e.payload as { lib?: boolean }).lib).map((e) => e.seq);
  await openRun(page, traceId, shown[2]);
  const list = page.getByRole('tree', { name: 'Events' });
  await list.focus();
  await page.keyboard.press('j');
  await expect(row(page, shown[3])).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(new RegExp(`step=${shown[3]}$`));
  await expect(page.locator('.insp-step')).toHaveText(`step ${shown[3]}`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(new RegExp(`step=${shown[5]}$`));
  await page.keyboard.press('k');
  await page.keyboard.press('ArrowUp');
  await expect(row(page, shown[3])).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(page).toHaveURL(new RegExp(`step=${events.length - 1}$`));
  await expect(row(page, events.length - 1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(page).toHaveURL(new RegExp(`step=${shown[0]}$`));
  // The kind filter keeps navigation on the rows shown.
  await page.getByRole('button', { name: 'LLM', exact: true }).click();
  await expect(page.locator('.tl-row')).toHaveCount(3);
  await list.focus();
  await page.keyboard.press('j');
  await expect(page).toHaveURL(new RegExp(`step=${seqOf((e) => e.kind === 'llm')}$`));
});

test("a streamed call's chunks open under it: each chunk's arrival on the run's time axis, within the call's bar", async ({ page }) => {
  const streamed = events.find((e) => e.kind === 'llm' && (e.payload as { stream?: boolean }).stream === true)!;
  const recorded = ((streamed.payload as { response?: { chunks?: unknown[] } }).response?.chunks ?? []).length;
  expect(recorded).toBeGreaterThan(1);
  await openRun(page, traceId, streamed.seq);
  const call = row(page, streamed.seq);
  await expect(call).toHaveAttribute('aria-expanded', 'false');
  await expect(call).toContainText(`${recorded} chunks`);
  await page.getByRole('tree', { name: 'Events' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(call).toHaveAttribute('aria-expanded', 'true');
  const chunks = page.locator('.tl-chunk');
  await expect(chunks).toHaveCount(Math.min(recorded, 32));
  await expect(chunks.first().locator('.tl-title')).toHaveText(`chunk 1 of ${recorded}`);
  await expect(chunks.last().locator('.tl-title')).toHaveText(`chunk ${recorded} of ${recorded}`);
  // Each tick lies within the call's bar: chunks arrive between the request and the end of the response.
  const bar = (await call.locator('.tl-wf-bar').boundingBox())!;
  for (const tick of await chunks.locator('.tl-wf-tick').all()) {
    const b = (await tick.boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(bar.x - 1);
    expect(b.x).toBeLessThanOrEqual(bar.x + bar.width + 1);
  }
  await page.screenshot({ path: 'test-results/screens/timeline-stream.png' });
  await page.keyboard.press('ArrowLeft');
  await expect(chunks).toHaveCount(0);
});

test('the find box narrows the timeline to the events that mention the words; / focuses it, Escape clears it', async ({ page }) => {
  await openRun(page, traceId);
  await expect(page.locator('.tl-count')).toHaveText(`${events.length} events`);
  await page.getByRole('tree', { name: 'Events' }).focus();
  await page.keyboard.press('/');
  const find = page.getByRole('searchbox', { name: 'Find in timeline' });
  await expect(find).toBeFocused();
  await find.fill('otters sleep');
  // The LLM call that asked and the step whose input asked it (payload matches), nothing else.
  const asked = events.filter((e) => (e.kind === 'llm' || e.kind === 'step') && JSON.stringify(e.payload).includes('Where do otters sleep'));
  expect(asked.map((e) => e.kind).sort()).toEqual(['llm', 'step']);
  await expect(page.locator('.tl-row')).toHaveCount(2);
  await expect(page.locator('.tl-count')).toHaveText(`2 of ${events.length} events`);
  const llm = asked.find((e) => e.kind === 'llm')!;
  await row(page, llm.seq).click();
  await expect(page).toHaveURL(new RegExp(`step=${llm.seq}$`));
  await find.fill('no such words here');
  await expect(page.getByText('No event matches “no such words here”.')).toBeVisible();
  await find.press('Escape');
  await expect(find).toHaveValue('');
  await expect(page.locator('.tl-count')).toHaveText(`${events.length} events`);
});

test('files and console tabs show the step as it was', async ({ page }) => {
  const last = events.length - 1;
  await openRun(page, traceId, last);
  await page.getByRole('tab', { name: 'Console' }).click();
  const log = page.getByRole('log', { name: 'Console output' });
  await expect(log).toContainText('answers so far: 1');
  await expect(log).toContainText('summary: ');
  await page.getByRole('tab', { name: 'Files' }).click();
  const file = page.locator('.files-item').first();
  await expect(file).toContainText('workbench-summary.txt');
  await file.click();
  await expect(page.locator('.files-pre')).toContainText((events.find((e) => e.kind === 'llm' && (e.payload as LlmPayload).stream)!.payload as LlmPayload).reply!.content);
  // At the fork step, only the first line had been printed.
  await openRun(page, traceId, forkStep);
  await page.getByRole('tab', { name: 'Console' }).click();
  await expect(log).toContainText('answers so far: 1');
  await expect(log).not.toContainText('answers so far: 2');
});

test('branch graph shows the run and its resume branch; clicking the branch opens it', async ({ page }) => {
  await openRun(page, traceId);
  const graph = page.getByLabel('Branch graph');
  const rootNode = graph.locator(`.react-flow__node[data-id="${traceId}"]`);
  const branchNode = graph.locator(`.react-flow__node[data-id="${branchId}"]`);
  await expect(rootNode).toContainText('e2e-openai');
  await expect(branchNode).toContainText(`resume-${forkStep}`);
  await expect(branchNode).toContainText('ok');
  await expect(graph.locator('.react-flow__edge-text')).toHaveText(`from step ${forkStep + 1}`);
  await expect(rootNode.locator('.run-node')).toHaveClass(/run-node-current/);
  await page.screenshot({ path: 'test-results/screens/branch-graph.png' });

  await branchNode.click();
  await expect(page).toHaveURL(new RegExp(`#/run/${branchId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  await expect(page.locator('.rh-fork')).toHaveText(`branch of ${traceId}, from step ${forkStep + 1}`);
  await expect(branchNode.locator('.run-node')).toHaveClass(/run-node-current/);
  // The branch's timeline: the parent's steps through the fork, then its own live continuation.
  await expect(page.locator('.tl-count')).toHaveText(/^\d+ events$/);
  await page.getByRole('button', { name: 'LOG', exact: true }).click();
  await expect(page.locator('.tl-row')).toHaveCount(3);
  await expect(page.locator('.tl-row').last()).toContainText('summary: ');
});

test('the event WebSocket refuses connections without the token', async () => {
  const status = (url: string): Promise<number> =>
    new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.once('open', () => (ws.close(), resolve(101)));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
  const base = wb.origin.replace('http', 'ws');
  expect(await status(`${base}/api/events`)).toBe(401);
  expect(await status(`${base}/api/events?token=nope`)).toBe(401);
  expect(await status(`${base}/api/events?token=${wb.token}`)).toBe(101);
});

test('the theme follows the OS: light and dark', async ({ page }) => {
  const luminance = async (): Promise<number> =>
    page.evaluate(() => {
      const m = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(document.body).backgroundColor);
      if (!m) throw new Error(`unexpected colour ${getComputedStyle(document.body).backgroundColor}`);
      return (0.2126 * Number(m[1]) + 0.7152 * Number(m[2]) + 0.0722 * Number(m[3])) / 255;
    });
  await page.emulateMedia({ colorScheme: 'light' });
  await openRun(page, branchId, seqOf((e) => e.kind === 'llm'));
  expect(await luminance()).toBeGreaterThan(0.8);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(luminance).toBeLessThan(0.2);
  await expect(page.locator('.insp-step')).toHaveText(`step ${seqOf((e) => e.kind === 'llm')}`);
  await page.screenshot({ path: 'test-results/screens/trace-dark.png' });
});
