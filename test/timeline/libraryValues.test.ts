/**
 * Library internals and span nesting through the real boundary: an agent using the real `openai` client against the
 * mock LLM server is recorded by the CLI; the client's own clock reads and random draws are marked as library
 * values (by who asked for them, with or without the inspector), the agent's own are not, and events inside an SDK
 * step nest under it. The timeline model hides the library values by default and shows them all with the toggle.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { toEventSummary } from '../../src/shared/model/eventSummary.js';
import { buildSpanTree, depthOf } from '../../src/shared/model/spanTree.js';
import type { RandomPayload, TimePayload } from '../../src/shared/trace/types.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { removeHomes, tmpHome } from '../cli/cliHarness.js';
import { recordAgent, showJson } from '../branches/branchHarness.js';

const mock = useMockLlm();
afterAll(() => {
  removeHomes();
});

describe('library values and nesting (openai v6, recorded by the CLI)', () => {
  it.each([
    ['locals capture on (default)', {}],
    ['AGENTTRACE_LOCALS=off (no inspector)', { AGENTTRACE_LOCALS: 'off' }],
  ])("hides the client's clock and random reads, keeps the agent's own, nests the call under its step: %s", async (_name, env) => {
    const home = tmpHome();
    const rec = await recordAgent(home, 'lib-values.mjs', { MOCK_URL: mock.url, ...env });
    expect(rec.stdout).toMatch(/^roll 0\.\d{3} echo: hello true$/m);
    const { events } = await showJson(home, rec.id);
    const values = events.filter((e) => e.kind === 'random' || e.kind === 'time');
    const lib = values.filter((e) => (e.payload as RandomPayload | TimePayload).lib === true);
    const own = values.filter((e) => (e.payload as RandomPayload | TimePayload).lib !== true);
    // openai draws a request-log id and reads the clock around the call; the agent drew one roll and read Date.now.
    expect(lib.length).toBeGreaterThanOrEqual(3);
    expect(lib.some((e) => (e.payload as RandomPayload).source === 'Math.random')).toBe(true);
    expect(own.map((e) => (e.payload as RandomPayload | TimePayload).source)).toEqual(['Math.random', 'Date.now']);
    // The agent's roll is the first event (before the step); its Date.now comes after the step.
    const step = events.find((e) => e.kind === 'step');
    const llm = events.find((e) => e.kind === 'llm');
    expect(own[0].seq).toBeLessThan(step!.seq);
    expect(own[1].seq).toBeGreaterThan(llm!.seq);
    expect(llm!.parentSeq).toBe(step!.seq);
    for (const e of lib) expect(e.parentSeq).toBe(step!.seq);

    const rows = events.map((e) => toEventSummary(e));
    const tree = buildSpanTree(rows);
    const shown = new Set(tree.rows.map((r) => r.seq));
    expect(tree.hiddenLibrary).toBe(lib.length);
    for (const e of lib) expect(shown.has(e.seq)).toBe(false);
    for (const e of own) expect(shown.has(e.seq)).toBe(true);
    expect(depthOf(tree, rows.find((r) => r.seq === llm!.seq)!)).toBe(1);
    expect(tree.steps.get(step!.seq)?.descendants).toBe(1);

    const all = buildSpanTree(rows, { showLibrary: true });
    expect(all.rows.map((r) => r.seq)).toEqual(events.map((e) => e.seq));
    expect(all.hiddenLibrary).toBe(0);
  });
});
