/**
 * The fix review screen end to end, in Chromium against `agenttrace ui` and the real AutoFix Engine: an agent using
 * the real openai client against the mock LLM fails on a reply wrapped in ```json fences (bad_json). From the
 * Traces screen, Fix… runs the engine with AI off: live stages, the root cause confirmed by replay with its evidence
 * chain, ranked candidates with verdicts, score breakdowns and side-by-side diffs. Apply writes the agent's file
 * (after a confirm dialog that lists it), the applied state survives a reload, Undo restores it byte-identical; a
 * file edited meanwhile is refused with a clear message. The AI path runs against a Groq-compatible mock
 * (GROQ_BASE_URL): a bad key tests "invalid", a good one "ok", and the AI's candidate joins the ranking; the key is
 * never written to the store folder.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startGroqMock, type GroqMock } from '../test/mock/groqMock.js';
import { startMockLlm, type MockLlmServer } from '../test/mock/llmServer.js';
import { failOnPageErrors, lowContrastTexts, overflowingX } from './pageChecks.js';
import { REPO, startWorkbench, tempHome, type Workbench } from './workbenchServer.js';

const CLI = path.join(REPO, 'bin/agenttrace.mjs');
const GOOD_KEY = 'gsk_e2eFixReviewGoodKey0123456789';
const BAD_KEY = 'gsk_e2eFixReviewBadKey9876543210';

let mock: MockLlmServer;
let groq: GroqMock;
let wb: Workbench;
let home: string;
let work: string;
let agent: string;
let original: Buffer;
let runId: string;

/** Records a script that is expected to fail: resolves with the run's --json line whatever the exit code. */
function recordFailing(script: string, env: Record<string, string>): Promise<{ id: string; status: string; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'record', script, '--name', 'e2e-fix', '--json'], { cwd: REPO, env: { ...process.env, ...env, AGENTTRACE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('exit', () => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as { id: string; status: string; exitCode: number });
      } catch {
        reject(new Error(`record printed no JSON: ${out} ${err}`));
      }
    });
  });
}

test.beforeAll(async () => {
  mock = await startMockLlm();
  groq = await startGroqMock();
  home = tempHome();
  // Inside the repository (ignored by git) so the agent resolves `openai` from its node_modules.
  work = path.join(REPO, 'test-results', `fix-e2e-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  agent = path.join(work, 'agent.mjs');
  copyFileSync(path.join(REPO, 'e2e/agents/fix-json-agent.mjs'), agent);
  original = readFileSync(agent);
  const env = { MOCK_URL: mock.url, GROQ_BASE_URL: groq.url, GROQ_API_KEY: '' };
  const rec = await recordFailing(agent, env);
  expect(rec.status).toBe('failed');
  runId = rec.id;
  wb = await startWorkbench(home, env);
});

test.afterAll(async () => {
  await wb?.stop();
  await mock?.close();
  await groq?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

failOnPageErrors();

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'AutoFix settings' });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Waits for the fix on screen to finish and returns its id (from the URL). */
async function waitForRanked(page: Page): Promise<string> {
  await expect(page).toHaveURL(/#\/fix\/fix-[0-9a-f]+$/);
  await expect(page.getByRole('list', { name: 'Fix stages' })).toBeVisible();
  await expect(page.getByTestId('fix-status')).toHaveText('done', { timeout: 90_000 });
  await expect(page.locator('.stage[data-stage="rank"]')).toHaveClass(/stage-done/);
  return /#\/fix\/(fix-[0-9a-f]+)$/.exec(page.url())?.[1] ?? '';
}

test('Fix… with AI off: stages, root cause, ranked candidates with diffs; apply, reload, undo byte-identical; stale file refused', async ({ page }) => {
  await page.goto(wb.url);
  // AI off for this test (the settings dialog's toggle; Escape closes it).
  const settings = await openSettings(page);
  const useAi = settings.getByLabel(/Use AI/);
  if (await useAi.isChecked()) await useAi.uncheck();
  await expect(useAi).not.toBeChecked();
  await page.keyboard.press('Escape');
  await expect(settings).toBeHidden();

  // Traces screen: dashboard strip, failure class, Fix… on the failed run.
  const strip = page.getByTestId('fix-stats');
  await expect(strip.locator('[data-stat="runs"] dd')).toHaveText('1');
  await expect(strip.locator('[data-stat="failing"] dd')).toHaveText('1');
  const row = page.locator(`tr[data-run-id="${runId}"]`);
  await expect(row.getByTestId('failure-class')).toHaveText('bad JSON');
  await row.getByRole('button', { name: /^Fix e2e-fix/ }).click();

  // Live stages, then the ranked results: focus lands on the first candidate.
  const fixId = await waitForRanked(page);
  const cards = page.getByTestId('candidate');
  await expect(cards.first()).toBeFocused();
  expect(await cards.count()).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('root-cause-status')).toHaveText('confirmed by replay');
  await expect(page.locator('.fr-ai')).toContainText('AI not used');
  const best = cards.first();
  await expect(best.locator('.verdict')).toHaveText(/^fixed( \(simulated\))?$/);
  await expect(best).toContainText('built-in heuristic');
  await expect(best.getByRole('table', { name: 'Score breakdown' }).locator('tbody tr')).toHaveCount(6);
  const diff = best.getByTestId('file-diff');
  await expect(diff).toHaveAttribute('data-file', /agent\.mjs$/);
  await expect(diff.locator('.cm-mergeView')).toBeVisible();
  await expect(diff.locator('.cm-changedLine').first()).toBeVisible();
  await expect(diff).toContainText('JSON.parse');
  // Long unchanged stretches fold behind a drawn chevron (an SVG: no glyph a font may lack and show as a box), as a
  // labelled button; the package's ⦚ glyphs are gone.
  const folds = diff.locator('.cm-collapsedLines');
  const fold = folds.first();
  await expect(fold).toBeVisible();
  await expect(fold).toHaveText(/^\d+ unchanged lines$/);
  await expect(fold).toHaveAttribute('role', 'button');
  await expect(fold).toHaveAttribute('aria-label', /^Show \d+ unchanged lines$/);
  await expect(fold).toHaveAttribute('title', /^Show \d+ unchanged lines$/);
  const marker = fold.locator('svg.fd-fold-marker');
  await expect(marker).toBeVisible();
  const markerBox = await marker.boundingBox();
  expect(markerBox?.width).toBeGreaterThan(0);
  expect(markerBox?.height).toBeGreaterThan(0);
  expect(await fold.evaluate((el) => [getComputedStyle(el, '::before').content, getComputedStyle(el, '::after').content])).toEqual(['none', 'none']);
  // "Your code" shows the failing line once (as code), not again as a detail under it.
  const yourCode = page.getByRole('list', { name: 'Evidence chain' }).getByRole('listitem').filter({ hasText: 'Your code' });
  const sourceLine = (await yourCode.locator('.rc-source').textContent()) ?? '';
  expect(sourceLine).toContain('JSON.parse');
  expect(((await yourCode.textContent()) ?? '').split(sourceLine).length - 1).toBe(1);
  // Readable and whole at 1024 px: text reaches 4.5:1 contrast, nothing sticks out to the right.
  expect(await lowContrastTexts(page, '.fix-review')).toEqual([]);
  await page.setViewportSize({ width: 1024, height: 768 });
  expect(await overflowingX(page, '.fix-review')).toEqual([]);
  await page.setViewportSize({ width: 1440, height: 900 });
  // The README's picture: the screen from its top (stages, root cause, the best candidate).
  await page.locator('.fr-body').evaluate((el) => el.scrollTo(0, 0));
  await page.screenshot({ path: 'test-results/screens/fix-review.png' });
  // Enter on a fold expands that stretch on both sides and moves the focus to the diff.
  const foldCount = await folds.count();
  await fold.focus();
  await page.keyboard.press('Enter');
  await expect(folds).toHaveCount(foldCount - 2);
  await expect(diff.locator('.cm-mergeView')).toBeFocused();

  // The evidence chain's steps open the trace screen's inspector at that step.
  const firstStep = page.getByRole('list', { name: 'Evidence chain' }).getByRole('button').first();
  const seq = /step (\d+)/.exec((await firstStep.textContent()) ?? '')?.[1];
  expect(seq).toBeDefined();
  await firstStep.click();
  await expect(page).toHaveURL(new RegExp(`#/run/${runId}\\?step=${seq}$`));
  await expect(page.locator(`.tl-row[data-seq="${seq}"]`)).toHaveAttribute('aria-selected', 'true');
  // The failure banner of the trace screen links back to this fix.
  await expect(page.getByRole('region', { name: 'Failure' })).toContainText('bad JSON');
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`#/fix/${fixId}$`));

  // Apply: the confirm dialog lists the file and its diff; Escape cancels, the second time it applies.
  await best.getByRole('button', { name: 'Apply…' }).click();
  let dialog = page.getByRole('dialog', { name: /^Apply candidate/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Files it will write' })).toContainText('agent.mjs');
  await expect(dialog.getByTestId('apply-diff')).toContainText('+');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(readFileSync(agent).equals(original)).toBe(true);
  await best.getByRole('button', { name: 'Apply…' }).click();
  dialog = page.getByRole('dialog', { name: /^Apply candidate/ });
  await dialog.getByRole('button', { name: /^Apply to 1 file$/ }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('fix-outcome')).toContainText('Applied candidate');
  const applied = readFileSync(agent, 'utf8');
  expect(applied).not.toBe(original.toString('utf8'));
  expect(applied).toContain('parseJsonReply');

  // Applied state comes from the stored report: it survives a reload.
  await page.reload();
  await expect(page.getByTestId('fix-status')).toHaveText('done');
  await expect(cards.first().locator('.cc-applied')).toHaveText('applied');
  await expect(page.locator('.fr-applied-note')).toContainText('is applied');
  await cards.first().getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('fix-outcome')).toContainText('byte for byte');
  expect(readFileSync(agent).equals(original)).toBe(true);

  // A file edited since the fix was computed: a clear refusal, nothing written.
  const edited = Buffer.concat([original, Buffer.from('// edited by hand\n')]);
  writeFileSync(agent, edited);
  await cards.first().getByRole('button', { name: 'Apply…' }).click();
  dialog = page.getByRole('dialog', { name: /^Apply candidate/ });
  await dialog.getByRole('button', { name: /^Apply to 1 file$/ }).click();
  await expect(dialog.getByTestId('apply-error')).toContainText('changed since the fix was computed');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('fix-outcome')).toContainText('Your file changed since this fix was computed.');
  await expect(page.getByRole('button', { name: 'Run fix again on the current code' })).toBeVisible();
  expect(readFileSync(agent).equals(edited)).toBe(true);
  writeFileSync(agent, original);

  // Compare opens the compare view of the failed run against the validation branch; Open branch shows it.
  const branchId = await cards.first().getAttribute('data-n').then((n) => `${runId}__fix-${n}`);
  await cards.first().getByRole('button', { name: 'Compare' }).click();
  await expect(page).toHaveURL(new RegExp(`#/run/${runId}\\?compare=`));
  await expect(page.getByLabel('Run to compare with')).toHaveValue(branchId);
  await expect(page.getByTestId('run-diff')).toBeVisible();
  await page.goBack();
  await cards.first().getByRole('button', { name: 'Open branch' }).click();
  await expect(page).toHaveURL(new RegExp(`#/run/${branchId}$`));
  await expect(page.getByLabel('Branch graph').locator(`.react-flow__node[data-id="${branchId}"]`)).toBeVisible();

  // Back on the Traces screen: the latest fix's verdict in its column, "fixed" counted in the strip.
  await page.goto(wb.url);
  await expect(page.locator(`tr[data-run-id="${runId}"] .fix-cell .verdict`)).toHaveText(/^fixed/);
  await expect(strip.locator('[data-stat="fixed"] dd')).toHaveText('1');
});

test('settings and the AI path: bad key is invalid, good key ok, the AI candidate is validated and ranked; the key is never written', async ({ page }) => {
  await page.goto(wb.url);
  const settings = await openSettings(page);
  await expect(settings.getByTestId('key-storage')).toContainText('held in memory');
  await expect(settings.getByTestId('key-storage')).toContainText('never written');
  await expect(settings.getByLabel('Key', { exact: true })).toHaveAttribute('type', 'password');
  await expect(settings.getByLabel('Key', { exact: true })).toBeFocused();
  await expect(settings.getByRole('combobox')).toHaveValue('llama-3.3-70b-versatile');
  await expect(settings.getByRole('combobox').locator('option', { hasText: '(default)' })).toHaveCount(1);
  await expect(settings.getByLabel(/Auto-apply/)).not.toBeChecked();

  groq.mode = 'unauthorized';
  await settings.getByLabel('Key', { exact: true }).fill(BAD_KEY);
  await settings.getByRole('button', { name: 'Test key' }).click();
  await expect(settings.getByTestId('key-test')).toHaveText(/^invalid: /);
  await expect(settings.getByTestId('key-test')).not.toContainText(BAD_KEY);

  groq.mode = 'good';
  await settings.getByLabel('Key', { exact: true }).fill(GOOD_KEY);
  await settings.getByRole('button', { name: 'Save key' }).click();
  await expect(settings.getByTestId('key-held')).toHaveText('A key is held.');
  await expect(settings.getByLabel('Key', { exact: true })).toHaveValue('');
  await settings.getByRole('button', { name: 'Test key' }).click();
  await expect(settings.getByTestId('key-test')).toHaveText(/^ok: /);
  const useAi = settings.getByLabel(/Use AI/);
  if (!(await useAi.isChecked())) await useAi.check();
  await expect(useAi).toBeChecked();
  await page.keyboard.press('Escape');
  await expect(settings).toBeHidden();

  // From the trace screen's failure banner this time.
  await page.goto(`${wb.url}#/run/${encodeURIComponent(runId)}`);
  const banner = page.getByRole('region', { name: 'Failure' });
  await expect(banner).toContainText('bad JSON');
  await banner.getByRole('button', { name: 'Fix…' }).click();
  await waitForRanked(page);
  await expect(page.locator('.fr-ai')).toContainText('AI: llama-3.3-70b-versatile');
  const aiCard = page.getByTestId('candidate').filter({ hasText: 'proposed by AI, validated by replay' });
  await expect(aiCard.first()).toBeVisible();
  await expect(aiCard.first().locator('.verdict')).toBeVisible();
  expect(groq.requests.some((r) => r.headers.authorization === `Bearer ${GOOD_KEY}`)).toBe(true);

  // No byte of the store folder holds either key.
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? files(path.join(dir, f)) : [path.join(dir, f)]));
  for (const f of files(home)) {
    const bytes = readFileSync(f);
    expect(bytes.includes(GOOD_KEY), f).toBe(false);
    expect(bytes.includes(BAD_KEY), f).toBe(false);
  }
});
