/**
 * Payload search and the span tree in Chromium through `agenttrace ui`: a trace recorded by the CLI from an agent
 * using the real openai client against the mock LLM server. A word that only appears inside the LLM call's payload
 * (past its one-line summary) is found through the store's full-text index and jumps to that step; the call sits
 * under its SDK step, which folds; the client's own clock and random reads are hidden until asked for.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { toEventSummary } from '../src/shared/model/eventSummary.js';
import type { TraceEvent } from '../src/shared/trace/types.js';
import { startMockLlm, type MockLlmServer } from '../test/mock/llmServer.js';
import { failOnPageErrors, openRun } from './pageChecks.js';
import { cliAsync, REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

const WORD = 'quokkazanzibar';
let mock: MockLlmServer;
let wb: Workbench;
let traceId: string;
let events: TraceEvent[];

test.beforeAll(async () => {
  mock = await startMockLlm();
  const home = tempHome();
  const out = await cliAsync(home, ['record', path.join(REPO, 'e2e/agents/search-agent.mjs'), '--name', 'e2e-search', '--json'], { MOCK_URL: mock.url });
  traceId = (JSON.parse(out.trim().split('\n').pop() ?? '{}') as { id: string }).id;
  events = (JSON.parse(await cliAsync(home, ['show', traceId, '--json'])) as { events: TraceEvent[] }).events;
  wb = await startWorkbench(home);
});

test.afterAll(async () => {
  await wb?.stop();
  await mock?.close();
});

failOnPageErrors();

const row = (page: Page, seq: number) => page.locator(`.tl-row[data-seq="${seq}"]`);
const llmSeq = (): number => events.find((e) => e.kind === 'llm')!.seq;
const stepSeq = (): number => events.find((e) => e.kind === 'step')!.seq;

test('a word only inside an LLM reply body is found in the payloads and jumps to that step', async ({ page }) => {
  // The premise: the word is in the call's payload (its reply echoes the prompt), in no event's summary.
  const reply = (events.find((e) => e.kind === 'llm')!.payload as { reply?: { content: string } }).reply?.content ?? '';
  expect(reply).toContain(WORD);
  expect(events.map((e) => toEventSummary(e)).filter((r) => `${r.title} ${r.detail ?? ''}`.includes(WORD))).toEqual([]);
  await openRun(page, wb.url, traceId);
  await expect(page.locator('.tl-row', { hasText: WORD })).toHaveCount(0);

  await page.getByRole('tree', { name: 'Events' }).focus();
  await page.keyboard.press('/');
  const find = page.getByRole('searchbox', { name: 'Find in timeline' });
  await expect(find).toBeFocused();
  await find.fill(WORD.slice(0, 9));
  const hit = row(page, llmSeq());
  // The snippet with the word is shown on the row (also in a narrow timeline).
  await expect(hit.getByTestId('payload-hit')).toBeVisible();
  await expect(hit.getByTestId('payload-hit')).toContainText(WORD);
  await expect(hit.locator('mark').first()).toHaveText(new RegExp(`^${WORD}`, 'i'));
  await expect(page.locator('.tl-row')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/timeline-search.png' });

  await find.press('Enter');
  await expect(page).toHaveURL(new RegExp(`step=${llmSeq()}`));
  await expect(hit).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toContainText('gpt-mock');
  // Esc clears the find box: the whole timeline again, the step still selected and in view.
  await find.press('Escape');
  await expect(find).toHaveValue('');
  await expect(hit).toBeInViewport();
  await expect(hit).toHaveAttribute('aria-selected', 'true');

  // Query syntax is just text: no error, no crash.
  await find.fill('"NEAR( OR *');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByText(/No event matches/)).toBeVisible();
});

test('span tree: the call nests under its step and folds with it; library internals hidden behind the toggle', async ({ page }) => {
  await openRun(page, wb.url, traceId);
  const step = row(page, stepSeq());
  const call = row(page, llmSeq());
  await expect(call).toHaveAttribute('data-depth', '1');
  await expect(step).toHaveAttribute('aria-expanded', 'true');

  // The client's own Math.random / Date.now reads are recorded but hidden; the agent's own roll is shown.
  const lib = events.filter((e) => (e.payload as { lib?: boolean }).lib === true);
  expect(lib.length).toBeGreaterThan(0);
  for (const e of lib) await expect(row(page, e.seq)).toHaveCount(0);
  const ownRoll = events.find((e) => e.kind === 'random' && !(e.payload as { lib?: boolean }).lib)!;
  await expect(row(page, ownRoll.seq)).toBeVisible();
  const toggle = page.getByRole('checkbox', { name: /Show library internals/ });
  await expect(page.locator('.tl-lib-toggle')).toContainText(`(${lib.length} hidden)`);
  await toggle.check();
  for (const e of lib) await expect(row(page, e.seq)).toBeVisible();
  await toggle.uncheck();

  // Keyboard: ← on the step folds it (the call disappears), → unfolds it.
  await step.click();
  await page.keyboard.press('ArrowLeft');
  await expect(step).toHaveAttribute('aria-expanded', 'false');
  await expect(call).toHaveCount(0);
  await expect(step).toContainText('inside');
  await page.keyboard.press('ArrowRight');
  await expect(call).toBeVisible();
  // The waterfall: the call's bar lies within its step's bar on the time axis.
  const [s, c] = [await step.locator('.tl-wf-bar').boundingBox(), await call.locator('.tl-wf-bar').boundingBox()];
  expect(c!.x).toBeGreaterThanOrEqual(s!.x - 1);
  expect(c!.x + c!.width).toBeLessThanOrEqual(s!.x + s!.width + 2);
  await page.screenshot({ path: 'test-results/screens/timeline-tree.png' });
});
