/**
 * The chat view of LLM calls end to end, in Chromium against `agenttrace ui`: an agent using the real openai client
 * against the mock LLM runs seven weather-tool turns (a 28-message conversation with tool calls and results) and one
 * rate-limited call (429). The LLM step opens on its reply with the tool call as name + arguments, linked to the tool
 * step that ran it and to the call that carried its result; parameters and tool definitions show; the long
 * conversation stays short (system prompt and middle folded); the 429 reads as an error with the provider's message
 * and retry-after. Also: URLs keep their case, fork labels agree (graph edge, branch node, run header), a disabled
 * Edit & fork looks disabled and says why, and Compare fits a 1024 px window.
 */
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { LlmPayload, TraceEvent } from '../src/shared/trace/types.js';
import { startMockLlm, type MockLlmServer } from '../test/mock/llmServer.js';
import { failOnPageErrors, openRun as openTrace } from './pageChecks.js';
import { cliAsync, REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

let mock: MockLlmServer;
let wb: Workbench;
let home: string;
let traceId: string;
let events: TraceEvent[];

const EDITED = 'It is sunny everywhere (edited).';
/** A branch name as long as users write them: the compare view must show it whole at 1024 px. */
const LONG_NAME = 'what-if-the-weather-tool-had-answered-sunny-everywhere';

test.beforeAll(async () => {
  mock = await startMockLlm();
  home = tempHome();
  const env = { MOCK_URL: mock.url };
  const out = await cliAsync(home, ['record', path.join(REPO, 'e2e/agents/chat-agent.mjs'), '--name', 'e2e-chat', '--json'], env);
  traceId = (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { id: string }).id;
  events = (JSON.parse(await cliAsync(home, ['show', traceId, '--json'])) as { events: TraceEvent[] }).events;
  wb = await startWorkbench(home, env);
});

test.afterAll(async () => {
  await wb?.stop();
  await mock?.close();
});

failOnPageErrors();

const openRun = (page: Page, runId: string, step?: number): Promise<void> => openTrace(page, wb.url, runId, step);
const llmCalls = (): TraceEvent<'llm'>[] => events.filter((e) => e.kind === 'llm') as TraceEvent<'llm'>[];
const payload = (e: TraceEvent): LlmPayload => e.payload as LlmPayload;

test('an LLM step opens on its reply: the tool call as name + arguments, linked to its tool step and its result', async ({ page }) => {
  const call = llmCalls()[0];
  const toolCall = payload(call).reply!.toolCalls![0];
  expect(toolCall.name).toBe('get_weather');
  const toolStep = events.find((e) => e.kind === 'tool' && e.seq > call.seq)!;
  const next = llmCalls()[1];
  await openRun(page, traceId, call.seq);
  const reply = page.getByTestId('llm-reply');
  await expect(reply.getByTestId('tool-call')).toContainText('get_weather');
  await expect(reply.getByLabel('Arguments of get_weather')).toHaveText('{\n  "query": "Quito"\n}');
  // The reply is the first thing in the panel: at its top, not below the conversation.
  const panel = (await page.locator('#insp-panel').boundingBox())!;
  const box = (await reply.boundingBox())!;
  expect(box.y - panel.y).toBeLessThan(80);
  // Parameters and tool definitions of the request.
  const params = page.getByTestId('llm-params');
  for (const text of ['model', 'gpt-4o-mini', 'temperature', '0.2', 'top_p', 'max_tokens', '200', 'response_format', '{"type":"text"}', 'tool_choice', 'auto']) await expect(params).toContainText(text);
  await page.getByText('1 tool offered:').click();
  await expect(page.getByTestId('llm-tools')).toContainText('Current weather of a city');
  await page.screenshot({ path: 'test-results/screens/chat-view.png' });

  // The links: to the tool step that ran it, and to the next LLM call, whose request carries its result.
  await expect(reply.getByTestId('tool-step-link')).toHaveText(`ran at step ${toolStep.seq} (tool)`);
  await expect(reply.getByTestId('tool-result-link')).toContainText(`result sent in step ${next.seq}`);
  await expect(reply).toContainText('14°C and cloudy in Quito');
  await reply.getByTestId('tool-step-link').click();
  await expect(page.locator('.insp-step')).toHaveText(`step ${toolStep.seq}`);
  await expect(page.getByTestId('event-payload')).toContainText('get_weather');
  await page.goBack();
  await openRun(page, traceId, call.seq);
  await page.getByTestId('llm-reply').getByTestId('tool-result-link').click();
  await expect(page.locator('.insp-step')).toHaveText(`step ${next.seq}`);
  await expect(page.getByTestId('llm-request')).toContainText('result of');
});

test('a long conversation stays readable: the system prompt and the middle are folded, results point at their calls', async ({ page }) => {
  const last = llmCalls().filter((e) => payload(e).response?.status === 200).pop()!;
  const count = (payload(last).messages as unknown[]).length;
  expect(count).toBeGreaterThan(20);
  await openRun(page, traceId, last.seq);
  const conv = page.getByTestId('llm-request');
  await expect(conv.getByRole('heading')).toHaveText(new RegExp(`Conversation \\(${count} messages\\)`, 'i'));
  const system = conv.locator('.msg-system');
  await expect(system).not.toHaveAttribute('open');
  await expect(system.locator('summary')).toContainText('You are a careful travel assistant.');
  const fold = conv.getByRole('button', { name: /^Show \d+ earlier messages$/ });
  await expect(fold).toBeVisible();
  expect(await conv.getByTestId('chat-message').count()).toBeLessThan(10);
  await page.screenshot({ path: 'test-results/screens/chat-view-long.png' });
  // The reply is on screen without scrolling the panel.
  const reply = (await page.getByTestId('llm-reply').boundingBox())!;
  expect(reply.y + reply.height).toBeLessThan(900);
  // A tool result links back to its call (focused), the call forward to its result.
  const callButton = conv.getByRole('button', { name: /^\(call in message \d+\)$/ }).last();
  const target = Number(/\d+/.exec((await callButton.textContent()) ?? '')?.[0]);
  await callButton.click();
  await expect(page.locator(`#chat-msg-${target - 1}`)).toBeFocused();
  await expect(page.locator(`#chat-msg-${target - 1}`).getByTestId('tool-call')).toContainText('get_weather');
  await fold.click();
  await expect(conv.getByTestId('chat-message')).toHaveCount(count);
});

test('a 429 reads as an error: status, the provider message and retry-after, not "no reply parsed"', async ({ page }) => {
  const limited = llmCalls().find((e) => payload(e).response?.status === 429)!;
  await openRun(page, traceId, limited.seq);
  const err = page.getByTestId('llm-error');
  await expect(err).toContainText('HTTP 429');
  await expect(err).toContainText('rate_limit_exceeded');
  await expect(page.getByTestId('llm-error-message')).toHaveText('Rate limit reached (mock)');
  await expect(page.getByTestId('llm-retry-after')).toHaveText('0 s');
  const panel = page.locator('#insp-panel');
  await expect(panel).not.toContainText('no reply parsed');
  await page.getByTestId('llm-raw-toggle').click();
  await expect(panel).toContainText('Response body');
  await expect(panel).not.toContainText('Streamed chunks');
  await page.screenshot({ path: 'test-results/screens/chat-view-429.png' });
});

test('URLs keep their case', async ({ page }) => {
  const http = events.find((e) => e.kind === 'http')!;
  await openRun(page, traceId, http.seq);
  const url = page.locator('.ev-url');
  // innerText is the rendered text, after any CSS text-transform.
  expect(await url.evaluate((el) => (el as HTMLElement).innerText)).toBe(`GET ${mock.url}/health`);
  await openRun(page, traceId, llmCalls()[0].seq);
  expect(await page.locator('.cv-url').evaluate((el) => (el as HTMLElement).innerText)).toBe(`POST ${mock.url}/v1/chat/completions`);
});

test('a disabled Edit & fork looks disabled and says why', async ({ page }) => {
  const toolStep = events.find((e) => e.kind === 'tool')!;
  await openRun(page, traceId, toolStep.seq);
  const btn = page.getByRole('button', { name: 'Edit & fork' });
  await expect(btn).toBeDisabled();
  await expect(btn).toHaveAccessibleDescription(new RegExp(`^Step ${toolStep.seq} is a tool event`));
  const look = await btn.evaluate((el) => ({ cursor: getComputedStyle(el).cursor, bg: getComputedStyle(el).backgroundColor, border: getComputedStyle(el).borderStyle }));
  const enabled = page.getByRole('button', { name: 'Compare with…' });
  expect(look.cursor).toBe('not-allowed');
  expect(look.border).toBe('dashed');
  // Not the accent fill of an enabled primary button.
  await openRun(page, traceId, llmCalls()[0].seq);
  await expect(btn).toBeEnabled();
  expect(await btn.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(look.bg);
  await expect(enabled).toBeEnabled();
});

test('fork labels agree: an edit of step N is "from step N" on the edge, the node and the header', async ({ page }) => {
  const target = llmCalls()[1];
  const pending = `${traceId}__${LONG_NAME}`;
  await cliAsync(home, ['branch', 'create', traceId, '--step', String(target.seq), '--name', LONG_NAME]);
  await cliAsync(home, ['branch', 'edit', pending, '--event', String(target.seq), '--payload', JSON.stringify({ content: EDITED })]);
  await openRun(page, pending);
  const graph = page.getByLabel('Branch graph');
  const node = graph.locator(`.react-flow__node[data-id="${pending}"]`);
  await expect(node).toContainText('not run yet');
  await expect(node).toContainText(`from step ${target.seq}`);
  await expect(node.locator('.run-node-edits')).toHaveText(`step ${target.seq} · LLM reply edited`);
  await expect(graph.locator('.react-flow__edge-text')).toHaveText(`from step ${target.seq}`);
  await expect(page.locator('.rh-fork')).toHaveText(`branch of ${traceId}, from step ${target.seq}`);
  expect(await page.locator('body').innerText()).not.toMatch(/step -1|step -\d/);
});

test('Compare fits a 1024 px window: the runs are named in full and nothing scrolls sideways', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  const target = llmCalls()[1];
  // Edit & fork at this step explains what the branch replays and what it runs live.
  await openRun(page, traceId, target.seq);
  await page.getByRole('button', { name: 'Edit & fork' }).click();
  await expect(page.getByTestId('edit-fork-help')).toHaveText(`The branch runs from step ${target.seq}: steps 0–${target.seq - 1} replayed from the record, step ${target.seq} with your edit, live after it.`);
  await page.getByRole('button', { name: 'Cancel' }).click();

  // The edited branch of the previous test, run to its end, compared with its trace.
  const branchId = `${traceId}__${LONG_NAME}`;
  await cliAsync(home, ['branch', 'run', branchId], { MOCK_URL: mock.url });
  await page.reload();
  await expect(page.locator('.tl-row').first()).toBeVisible();
  const node = page.getByLabel('Branch graph').locator(`.react-flow__node[data-id="${branchId}"]`);
  await expect(node.locator('.run-node')).toHaveClass(/status-edge-ok/);
  await expect(node.locator('.run-node-edits')).toHaveText(`step ${target.seq} · LLM reply edited`);

  await page.getByRole('button', { name: 'Compare with…' }).click();
  await page.getByLabel('Run to compare with').selectOption(branchId);
  const cmp = page.locator('.compare');
  await expect(page.getByTestId('first-divergence')).toContainText(`First divergence at step ${target.seq}`);
  await expect(cmp.locator('.cmp-changes')).toContainText(EDITED);
  const sizes = await cmp.evaluate((el) => {
    const out = [{ name: 'compare', scroll: el.scrollWidth, client: el.clientWidth }];
    for (const n of Array.from(el.querySelectorAll('.cmp-sides, .cmp-side, .cmp-side-name, .cmp-changes, .cmp-head, .cmp-delta'))) out.push({ name: n.className, scroll: n.scrollWidth, client: n.clientWidth });
    return out;
  });
  for (const s of sizes) expect(s.scroll, `${s.name} overflows or is cut: ${s.scroll} > ${s.client}`).toBeLessThanOrEqual(s.client);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
  await page.screenshot({ path: 'test-results/screens/compare-1024.png' });
});
