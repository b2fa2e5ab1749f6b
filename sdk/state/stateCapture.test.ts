/**
 * State capture through real child processes: tracked state (keyframes + deltas rebuild what the agent printed),
 * the every-N keyframe policy, user globals, written files, steps/tools, snapshot locals, TypeScript agents, the
 * no-op API outside AgentTrace, and `agenttrace/sdk` resolution for an agent outside this package.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Json, Keyframe, StatePayload, StepPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { applyOps } from '../../src/shared/trace/stateDiff.js';
import { readJournalEvents, readJournalLines } from '../../test/helpers/journal.js';
import { REPO_ROOT, runAgent, type AgentRun } from '../../test/helpers/recordAgent.js';

function keyframes(journal: string): Keyframe[] {
  return readJournalLines(journal).flatMap((l) => (l.t === 'kf' ? [l.keyframe] : []));
}

/** Tracked state at `seq` the way the store derives it: the latest keyframe <= seq, then later `state` ops. */
function stateAt(events: TraceEvent[], kfs: Keyframe[], seq: number): { state: Record<string, Json>; fromKeyframe: number; ops: number } {
  const kf = kfs.filter((k) => k.seq <= seq).reduce<Keyframe | undefined>((best, k) => (!best || k.seq >= best.seq ? k : best), undefined);
  const base = kf?.seq ?? -1;
  const state: Record<string, Json> = structuredClone(kf?.tracked ?? {});
  let ops = 0;
  for (const e of events) {
    if (e.kind !== 'state' || e.seq <= base || e.seq > seq) continue;
    const p = e.payload as StatePayload;
    state[p.name] = applyOps(state[p.name], p.ops) as Json;
    ops += p.ops.length;
  }
  return { state, fromKeyframe: base, ops };
}

function consoleLines(events: TraceEvent[], prefix: string): { seq: number; text: string }[] {
  return events
    .filter((e) => e.kind === 'console' && (e.payload as { text: string }).text.startsWith(prefix))
    .map((e) => ({ seq: e.seq, text: (e.payload as { text: string }).text.slice(prefix.length).trim() }));
}

function expectClean(run: AgentRun): void {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

describe('tracked state', () => {
  it('keyframes plus deltas rebuild the state the agent printed at every step', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'agenttrace-state-'));
    const run = await runAgent('test/agents/state-track.mjs', { env: { AGENTTRACE_KEYFRAME_EVERY: '3', AGENT_OUT_DIR: outDir } });
    expectClean(run);
    const events = readJournalEvents(run.journal!);
    const kfs = keyframes(run.journal!);
    const printed = consoleLines(events, 'STATE ');
    expect(printed.length).toBe(14);
    let viaOps = 0;
    for (const p of printed) {
      const { state, fromKeyframe, ops } = stateAt(events, kfs, p.seq);
      expect(state.memory, `state at seq ${p.seq}`).toEqual(JSON.parse(p.text));
      if (fromKeyframe < p.seq && ops > 0) viaOps++;
    }
    // The comparison must exercise deltas, not only keyframes.
    expect(viaOps).toBeGreaterThan(3);
    // Every-N policy (N = 3): the first keyframe by seq N-1, then no gap above N, up to the last event.
    const seqs = kfs.map((k) => k.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(8);
    expect(seqs[0]).toBeLessThanOrEqual(2);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i] - seqs[i - 1], `gap after keyframe ${seqs[i - 1]}`).toBeLessThanOrEqual(3);
    expect(events[events.length - 1].seq - seqs[seqs.length - 1]).toBeLessThan(3);
  });

  it('keyframes carry user globals, written files, cursors, and non-JSON values in bounded form', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'agenttrace-state-'));
    const run = await runAgent('test/agents/state-track.mjs', { env: { AGENTTRACE_KEYFRAME_EVERY: '3', AGENT_OUT_DIR: outDir } });
    expectClean(run);
    const kfs = keyframes(run.journal!);
    const first = kfs[0];
    expect(first.globals).toEqual({ agentScratch: { visited: ['start'] } });
    expect(Object.keys(first.globals)).not.toContain('fetch');
    expect(kfs[kfs.length - 1].globals).toEqual({ agentScratch: { visited: ['start', 'middle'] } });
    expect(first.tracked.odd).toEqual({ name: 'odd', big: '10n', map: { a: 1 }, set: [1, 2], when: '1970-01-01T00:00:00.000Z', self: '[Circular]' });
    expect(first.cursors.state).toBeGreaterThanOrEqual(2);

    const file = path.join(outDir, 'result.txt');
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
    const withFile = kfs.filter((k) => file in k.files);
    expect(withFile.length).toBeGreaterThan(0);
    expect(withFile[0].files[file]).toBe(hash);
    expect(kfs.filter((k) => !(file in k.files)).length).toBeGreaterThan(0);
  });
});

describe('steps, tools and snapshot', () => {
  it('records inputs, outputs, errors, durations and nesting', async () => {
    const run = await runAgent('test/agents/state-steps.mjs');
    expectClean(run);
    const events = readJournalEvents(run.journal!);
    const steps = events.filter((e) => e.kind === 'step' || e.kind === 'tool') as TraceEvent<'step' | 'tool'>[];
    const byName = (n: string): TraceEvent<'step' | 'tool'> => {
      const e = steps.find((s) => (s.payload as StepPayload).name === n);
      if (!e) throw new Error(`no step ${n}`);
      return e;
    };
    const outer = byName('outer');
    expect(outer.kind).toBe('step');
    expect(outer.parentSeq).toBeUndefined();
    expect(outer.payload.input).toEqual({ task: 'trip' });
    expect(outer.payload.output).toEqual({ found: ['paris #1'], sum: 5, failure: 'boom in step', check: 45 });

    const search = byName('search');
    expect(search.kind).toBe('tool');
    expect(search.parentSeq).toBe(outer.seq);
    expect(search.payload.input).toEqual(['paris', 1]);
    // `this` reached the wrapped tool.
    expect(search.payload.output).toEqual({ query: 'paris', hits: ['paris #1'], self: 'ctx' });
    expect(search.payload.durationMs).toBeGreaterThanOrEqual(14);
    expect(outer.payload.durationMs!).toBeGreaterThanOrEqual(search.payload.durationMs!);

    const inner = byName('inner-sync');
    expect(inner.parentSeq).toBe(outer.seq);
    const add = byName('add');
    expect(add.parentSeq).toBe(inner.seq);
    expect(add.payload).toMatchObject({ input: [2, 3], output: 5 });

    const failing = byName('failing');
    expect(failing.parentSeq).toBe(outer.seq);
    expect(failing.payload.output).toBeUndefined();
    expect(failing.payload.error).toMatchObject({ name: 'TypeError', message: 'boom in step' });
    expect(failing.payload.error?.stack).toContain('state-steps.mjs');
  });

  it('snapshot() writes a keyframe with the locals of the calling function', async () => {
    const run = await runAgent('test/agents/state-steps.mjs');
    expectClean(run);
    const kf = keyframes(run.journal!).find((k) => k.label === 'checkpoint');
    expect(kf).toBeDefined();
    const top = kf!.frames[0];
    expect(top.functionName).toBe('checkpoint');
    expect(top.url).toMatch(/test\/agents\/state-steps\.mjs$/);
    const snapLine = readFileSync(path.join(REPO_ROOT, 'test/agents/state-steps.mjs'), 'utf8').split('\n').findIndex((l) => l.includes("snapshot('checkpoint')")) + 1;
    expect(top.line).toBe(snapLine);
    expect(top.locals).toEqual({ city: 'paris', answer: 42, plan: { city: 'paris', days: 3 } });
    expect(kf!.stack[0]).toMatchObject({ functionName: 'checkpoint', line: snapLine });
  });

  it('degrades without locals when they are off or a debugger is attached, and the agent runs the same', async () => {
    const off = await runAgent('test/agents/state-steps.mjs', { env: { AGENTTRACE_LOCALS: 'off' } });
    expectClean(off);
    const kfOff = keyframes(off.journal!).find((k) => k.label === 'checkpoint');
    expect(kfOff?.frames).toEqual([]);
    expect(kfOff?.stack[0]).toMatchObject({ functionName: 'checkpoint' });
    expect(readJournalEvents(off.journal!).filter((e) => e.kind === 'step' || e.kind === 'tool').length).toBe(5);

    // --inspect=127.0.0.1:0: an external debugger may attach, so the SDK leaves the inspector alone.
    const inspected = await runAgent('test/agents/state-steps.mjs', { env: { NODE_OPTIONS: '--inspect=127.0.0.1:0' } });
    expect(inspected.code).toBe(0);
    expect(inspected.stderr).not.toContain('agenttrace:');
    expect(inspected.stdout).toBe(off.stdout);
    expect(keyframes(inspected.journal!).find((k) => k.label === 'checkpoint')?.frames).toEqual([]);
  });

  it('works for a TypeScript agent (frames point at the .ts lines)', async () => {
    const run = await runAgent('test/agents/state-ts.ts');
    expectClean(run);
    expect(run.stdout).toContain('OUT thinking about typescript');
    const kf = keyframes(run.journal!).find((k) => k.label === 'ts-checkpoint');
    expect(kf?.tracked.memory).toEqual({ turns: 1, history: ['thinking about typescript'] });
    expect(kf?.frames[0]).toMatchObject({ functionName: 'think', line: 15, locals: { prompt: 'typescript', thought: 'thinking about typescript' } });
    const step = readJournalEvents(run.journal!).find((e) => e.kind === 'step');
    expect(step?.payload).toMatchObject({ name: 'think', input: { prompt: 'typescript' }, output: 'thinking about typescript' });
  });

  it('is a no-op outside AgentTrace: same output, nothing recorded', async () => {
    const plain = await runAgent('test/agents/state-steps.mjs', { record: false });
    const recorded = await runAgent('test/agents/state-steps.mjs');
    expectClean(plain);
    expect(plain.journal).toBeUndefined();
    expect(plain.stdout).toBe(recorded.stdout);
    expect(plain.stdout).toContain('RESULT {"found":["paris #1"],"sum":5,"failure":"boom in step","check":45}');
  });
});

describe('agenttrace/sdk for an agent outside this package', () => {
  function outsideAgent(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'agenttrace-outside-'));
    mkdirSync(path.join(dir, 'lib'));
    writeFileSync(path.join(dir, 'agent.mjs'), `import { plan } from './lib/plan.mjs';\nconsole.log('esm', await plan('x'));\n`);
    writeFileSync(path.join(dir, 'lib/plan.mjs'), `import { step } from 'agenttrace/sdk';\nexport const plan = (g) => step('esm-plan', { g }, async () => g + '!');\n`);
    writeFileSync(path.join(dir, 'agent.cjs'), `const { tool } = require('./lib/tools.cjs');\nconsole.log('cjs', tool('cjs-tool', (n) => n * 2)(21));\n`);
    writeFileSync(path.join(dir, 'lib/tools.cjs'), `module.exports = require('agenttrace/sdk');\n`);
    return dir;
  }

  it('resolves to our build under the recorder (ESM and CJS), and fails as before without it', async () => {
    const dir = outsideAgent();
    const esm = await runAgent(path.join(dir, 'agent.mjs'));
    expectClean(esm);
    expect(esm.stdout).toBe('esm x!\n');
    expect(readJournalEvents(esm.journal!).find((e) => e.kind === 'step')?.payload).toMatchObject({ name: 'esm-plan', input: { g: 'x' }, output: 'x!' });

    const cjs = await runAgent(path.join(dir, 'agent.cjs'));
    expectClean(cjs);
    expect(cjs.stdout).toBe('cjs 42\n');
    expect(readJournalEvents(cjs.journal!).find((e) => e.kind === 'tool')?.payload).toMatchObject({ name: 'cjs-tool', input: [21], output: 42 });

    const plain = await runAgent(path.join(dir, 'agent.mjs'), { record: false });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("Cannot find package 'agenttrace'");
  });
});
