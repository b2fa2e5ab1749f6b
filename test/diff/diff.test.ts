/**
 * `agenttrace diff` and run costs end to end: the real CLI in child processes, a real store, the real openai client
 * against the mock LLM server. The agent (test/agents/diff-chain.mjs) makes three calls, each later prompt holding
 * the previous reply; a variant run replaces the second prompt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DiffReport } from '../../src/engine/runs/diffStoredRuns.js';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';
import { useMockLlm } from '../mock/useMockLlm.js';

afterAll(removeHomes);

const mock = useMockLlm();

const KEY = 'sk-test-diff-0123456789abcdef';
const AGENT = 'test/agents/diff-chain.mjs';

interface Recorded {
  id: string;
  /** The agent's three printed replies. */
  replies: string[];
}

async function record(home: string, env: Record<string, string> = {}): Promise<Recorded> {
  const r = await runCli(['record', AGENT, '--json'], { home, env: { MOCK_URL: mock.url, OPENAI_API_KEY: KEY, ...env } });
  expect(r.code, r.stderr).toBe(0);
  const replies = [...r.stdout.matchAll(/^\d: (.*)$/gm)].map((m) => m[1]);
  expect(replies).toHaveLength(3);
  const lines = r.stdout.trimEnd().split('\n');
  return { id: (JSON.parse(lines[lines.length - 1]) as { id: string }).id, replies };
}

async function llmSeqs(home: string, id: string): Promise<number[]> {
  const { events } = await cliJson<{ events: TraceEvent[] }>(['show', id, '--json', '--kind', 'llm'], { home });
  return events.map((e) => e.seq);
}

const content = (v: unknown): string => (v as { content: string }).content;

describe('agenttrace diff', () => {
  it('names the changed call as the first divergence and lists the changed replies (JSON and human)', async () => {
    const home = tmpHome();
    const base = await record(home);
    const variant = await record(home, { DIFF_SECOND: 'expand on the moon instead' });
    const seqs = await llmSeqs(home, base.id);
    expect(seqs).toHaveLength(3);

    // Unique prefixes are enough.
    const d = await cliJson<DiffReport>(['diff', base.id.slice(0, 8), variant.id.slice(0, 8), '--json'], { home });
    expect(Object.keys(d).sort()).toEqual(['a', 'b', 'changedReplies', 'changedResults', 'counts', 'delta', 'firstDivergence', 'identical', 'ignoredKinds', 'onlyInA', 'onlyInB']);
    expect(d.a.id).toBe(base.id);
    expect(d.b.id).toBe(variant.id);
    expect(d.identical).toBe(false);
    // Separate recordings: their clock and random values always differ, so they are not compared by default.
    expect(d.ignoredKinds).toEqual(['random', 'time', 'crypto']);
    expect(d.firstDivergence).toMatchObject({ seqA: seqs[1], seqB: seqs[1], kind: 'llm', reason: 'llm request changed' });
    expect(d.changedReplies.map((c) => [c.seqA, c.model, content(c.before), content(c.after)])).toEqual([
      [seqs[1], 'gpt-4o-mini', base.replies[1], variant.replies[1]],
      [seqs[2], 'gpt-4o-mini', base.replies[2], variant.replies[2]],
    ]);
    expect(d.changedResults).toEqual([]);
    for (const side of [d.a, d.b]) expect(side).toMatchObject({ status: 'ok', exitCode: 0, llmCalls: 3, unpricedCalls: 0 });
    const [runB, runA] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(d.delta.tokens).toBe(runB.totalTokens - runA.totalTokens);
    expect(d.delta.costUsd).toBeCloseTo((runB.costUsd ?? NaN) - (runA.costUsd ?? NaN), 12);
    expect(d.delta.durationMs).toBe((runB.durationMs ?? 0) - (runA.durationMs ?? 0));

    const human = await runCli(['diff', base.id, variant.id], { home });
    expect(human.code).toBe(0);
    const text = human.stdout;
    expect(text).toContain(`First divergence: step ${seqs[1]}  llm request changed`);
    expect(text).toContain('Changed LLM replies (2)');
    expect(text).toContain(`step ${seqs[1]}  gpt-4o-mini  ${JSON.stringify(base.replies[1])} → ${JSON.stringify(variant.replies[1])}`);
    expect(text).toMatch(/^Exit\s+ok \(exit 0\)\s+ok \(exit 0\)\s+same$/m);
    expect(text).toMatch(/^Tokens\s+\d+\s+\d+\s+[+-]?\d+$/m);
    // Not a terminal: no colors.
    expect(text).not.toContain('\x1b[');

    const again = await cliJson<DiffReport>(['diff', base.id, base.id, '--json'], { home });
    expect(again.identical).toBe(true);
    expect(again.firstDivergence).toBeNull();
  });

  it('reads a resumed branch with the steps it inherits, so only what happened after the fork can differ', async () => {
    const home = tmpHome();
    const base = await record(home);
    const seqs = await llmSeqs(home, base.id);
    const step = seqs[1] + 1;
    const resume = await runCli(['replay', base.id, '--step', String(step)], { home, env: { MOCK_URL: mock.url, OPENAI_API_KEY: KEY } });
    expect(resume.code, resume.stderr).toBe(0);
    const branchId = `${base.id}__resume-${step}`;

    const d = await cliJson<DiffReport>(['diff', base.id, branchId, '--json'], { home });
    expect(d.b).toMatchObject({ id: branchId, parentId: base.id, forkSeq: step, status: 'ok', exitCode: 0 });
    // One branch tree: values are compared too. The branch's totals include its inherited calls.
    expect(d.ignoredKinds).toEqual([]);
    expect(d.b.llmCalls).toBe(3);
    expect(d.b.totalTokens).toBe(d.a.totalTokens);
    expect(d.delta.tokens).toBe(0);
    expect(d.changedReplies).toEqual([]);
    if (d.firstDivergence) expect(d.firstDivergence.seqA).toBeGreaterThan(step);
    expect(d.counts.same).toBeGreaterThan(step);

    const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
    const own = runs.find((r) => r.id === branchId);
    // list counts a branch's own calls only (the third one), like its token column.
    expect(own).toMatchObject({ llmCalls: 1, unpricedCalls: 0 });
  });

  it('names the edited step of a branch as the first divergence (issue 4: run vs its edited branch)', async () => {
    const home = tmpHome();
    const base = await record(home);
    const seqs = await llmSeqs(home, base.id);
    const edited = 'Tides follow the moon, says the edited reply.';
    const env = { MOCK_URL: mock.url, OPENAI_API_KEY: KEY };
    for (const args of [
      ['branch', 'create', base.id, '--step', String(seqs[1]), '--name', 'moon'],
      ['branch', 'edit', `${base.id}__moon`, '--event', String(seqs[1]), '--payload', JSON.stringify({ content: edited })],
      ['replay', base.id, '--branch', `${base.id}__moon`],
    ]) {
      const r = await runCli(args, { home, env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      if (args[0] === 'replay') expect(r.stdout).toContain(`2: ${edited}`);
    }
    const branchId = `${base.id}__moon`;

    const d = await cliJson<DiffReport>(['diff', base.id, branchId, '--json'], { home });
    expect(d.b).toMatchObject({ id: branchId, parentId: base.id, forkSeq: seqs[1] - 1, status: 'ok', exitCode: 0, llmCalls: 3 });
    expect(d.firstDivergence).toMatchObject({ seqA: seqs[1], seqB: seqs[1], kind: 'llm', reason: 'llm reply changed' });
    expect(d.changedReplies.map((c) => [c.seqA, content(c.before), content(c.after)])).toEqual([
      [seqs[1], base.replies[1], edited],
      // The third prompt includes the second reply, so the third reply changed too.
      [seqs[2], base.replies[2], `echo: summarize ${edited}`],
    ]);
    expect(d.counts.same).toBeGreaterThanOrEqual(seqs[1]);

    const human = await runCli(['diff', base.id, branchId], { home });
    expect(human.stdout).toContain(`First divergence: step ${seqs[1]}  llm reply changed`);
    expect(human.stdout).toContain(`→ ${JSON.stringify(edited)}`);
    expect(human.stdout).toContain(`branch of ${base.id} from step ${seqs[1]}`);

    // The branch's own calls (the edited one and the one after it) carry its cost in list; show adds the inherited.
    const own = (await cliJson<RunListItem[]>(['list', '--json'], { home })).find((r) => r.id === branchId);
    expect(own).toMatchObject({ llmCalls: 2, unpricedCalls: 0 });
    expect(own?.costUsd).toBeGreaterThan(0);
    const shown = await runCli(['show', branchId], { home });
    expect(shown.stdout).toMatch(new RegExp(`^Cost\\s+\\$\\S+ for this branch's 2 calls; \\$\\S+ with the 1 inherited \\(steps 0–${seqs[1] - 1}\\)$`, 'm'));
  });

  it('fails clearly for an unknown id or a missing argument', async () => {
    const home = tmpHome();
    const base = await record(home);
    const unknown = await runCli(['diff', base.id, 'nope'], { home });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^agenttrace: no run with id nope \(run `agenttrace list`/);
    expect(unknown.stdout).toBe('');
    const missing = await runCli(['diff', base.id], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing <runB> for diff');
  });
});

describe('tokens and cost', () => {
  it('shows cost in list and show from the built-in prices and the user price file, unknown models as unpriced', async () => {
    const home = tmpHome();
    const mini = await record(home);
    const mystery = await record(home, { DIFF_MODEL: 'gpt-mock' });

    const byId = async (): Promise<Record<string, RunListItem>> => Object.fromEntries((await cliJson<RunListItem[]>(['list', '--json'], { home })).map((r) => [r.id, r]));
    let runs = await byId();
    const m = runs[mini.id];
    expect(m.costUsd).toBeCloseTo((m.promptTokens * 0.15 + m.completionTokens * 0.6) / 1e6, 12);
    expect(m.costUsd).toBeGreaterThan(0);
    expect(m.unpricedCalls).toBe(0);
    // Never $0 silently: no costUsd, three unpriced calls.
    expect(runs[mystery.id].costUsd).toBeUndefined();
    expect(runs[mystery.id].unpricedCalls).toBe(3);

    let table = await runCli(['list'], { home });
    expect(table.stdout.split('\n')[0]).toMatch(/TOKENS\s+COST\s+STARTED/);
    expect(table.stdout).toMatch(new RegExp(`^${mystery.id.slice(0, 8)}\\S*\\s+diff-chain\\.mjs\\s+ok\\s+\\d+\\s+3\\s+\\d+\\s+\\?\\s`, 'm'));
    expect(table.stdout).toContain('? cost unknown for some LLM calls');
    let shown = await runCli(['show', mystery.id], { home });
    expect(shown.stdout).toMatch(/^Cost\s+unknown \(3 unpriced\)\s+\(no price or usage for: gpt-mock;/m);

    // The user's file adds a price for gpt-mock and overrides gpt-4o-mini.
    fs.writeFileSync(path.join(home, 'prices.json'), JSON.stringify({ 'gpt-mock': { input: 1000, output: 3000 }, 'gpt-4o-mini': { input: 100, output: 200 } }));
    runs = await byId();
    const g = runs[mystery.id];
    const expected = (g.promptTokens * 1000 + g.completionTokens * 3000) / 1e6;
    expect(g).toMatchObject({ costUsd: expect.closeTo(expected, 12), unpricedCalls: 0 });
    expect(runs[mini.id].costUsd).toBeCloseTo((m.promptTokens * 100 + m.completionTokens * 200) / 1e6, 12);
    table = await runCli(['list'], { home });
    expect(table.stderr).toBe('');
    expect(table.stdout).toContain(`$${expected.toFixed(4)}`);
    expect(table.stdout).not.toContain('? cost unknown');

    const json = await cliJson<{ run: { costUsd?: number; unpricedCalls: number } }>(['show', mystery.id, '--json'], { home });
    expect(json.run.costUsd).toBeCloseTo(expected, 12);
    expect(json.run.unpricedCalls).toBe(0);
    shown = await runCli(['show', mystery.id], { home });
    expect(shown.stdout).toMatch(new RegExp(`^Cost\\s+\\$${expected.toFixed(4).replace('.', '\\.')}$`, 'm'));

    const d = await cliJson<DiffReport>(['diff', mini.id, mystery.id, '--json'], { home });
    expect(d.delta.costUsd).toBeCloseTo(expected - (runs[mini.id].costUsd ?? NaN), 12);
  });

  it('warns once and uses the built-in prices when prices.json is malformed', async () => {
    const home = tmpHome();
    const mini = await record(home);
    const mystery = await record(home, { DIFF_MODEL: 'gpt-mock' });
    fs.writeFileSync(path.join(home, 'prices.json'), '{"gpt-mock": {"input": 1,');

    const table = await runCli(['list'], { home });
    expect(table.code).toBe(0);
    const warnings = table.stderr.trimEnd().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^agenttrace: warning: .*prices\.json is not valid JSON \(.+\); using the built-in prices$/);

    const runs = Object.fromEntries((JSON.parse((await runCli(['list', '--json'], { home })).stdout) as RunListItem[]).map((r) => [r.id, r]));
    const m = runs[mini.id];
    expect(m.costUsd).toBeCloseTo((m.promptTokens * 0.15 + m.completionTokens * 0.6) / 1e6, 12);
    expect(runs[mystery.id].costUsd).toBeUndefined();

    for (const args of [['show', mini.id], ['diff', mini.id, mystery.id]]) {
      const r = await runCli(args, { home });
      expect(r.code).toBe(0);
      expect(r.stderr.trimEnd().split('\n')).toEqual([warnings[0]]);
    }

    // A file with one bad entry keeps the good ones.
    fs.writeFileSync(path.join(home, 'prices.json'), JSON.stringify({ 'gpt-mock': { input: 1, output: 1 }, broken: { input: 'free' } }));
    const partial = await runCli(['list', '--json'], { home });
    expect(partial.stderr).toMatch(/^agenttrace: warning: .*"broken".*those entries are ignored\n$/);
    const g = (JSON.parse(partial.stdout) as RunListItem[]).find((r) => r.id === mystery.id);
    expect(g?.costUsd).toBeCloseTo(((g?.promptTokens ?? 0) + (g?.completionTokens ?? 0)) / 1e6, 12);
  });
});

