/**
 * Error and exit capture through real child processes: every way to die is recorded (error event with the locals
 * of the throwing frame, exit event, end record) while exit code, stdout and stderr stay byte-identical to a run
 * without AgentTrace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErrorPayload, ExitPayload, Keyframe, TraceEvent } from '../../src/shared/trace/types.js';
import type { JournalEnd } from '../../src/shared/trace/journal.js';
import { readJournalEvents, readJournalLines } from '../../test/helpers/journal.js';
import { REGISTER, REPO_ROOT, runAgent, type AgentRun } from '../../test/helpers/recordAgent.js';
import { startMockLlm, type MockLlmServer } from '../../test/mock/llmServer.js';

interface Recorded {
  run: AgentRun;
  error?: ErrorPayload;
  exit?: ExitPayload;
  end?: JournalEnd;
  errorKeyframe?: Keyframe;
}

function recorded(run: AgentRun): Recorded {
  const events = readJournalEvents(run.journal!);
  const lines = readJournalLines(run.journal!);
  const errors = events.filter((e): e is TraceEvent<'error'> => e.kind === 'error');
  expect(errors.length).toBeLessThanOrEqual(1);
  const exits = events.filter((e): e is TraceEvent<'exit'> => e.kind === 'exit');
  expect(exits.length).toBe(1);
  expect(exits[0].seq).toBe(events[events.length - 1].seq);
  const end = lines.find((l): l is JournalEnd => l.t === 'end');
  const errorKeyframe = lines.flatMap((l) => (l.t === 'kf' && l.keyframe.label === 'error' ? [l.keyframe] : []))[0];
  return { run, error: errors[0]?.payload, exit: exits[0].payload, end, errorKeyframe };
}

/** Records `script` and runs it without AgentTrace; asserts the deaths are identical. */
async function both(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<Recorded> {
  const plain = await runAgent(script, { record: false, args, env });
  const rec = await runAgent(script, { args, env });
  expect(rec.code).toBe(plain.code);
  expect(rec.signal).toBe(plain.signal);
  // Node's own scheduling frames (`runNextTicks`, `processTimers`) appear in an async stack or not depending on load,
  // in plain runs too; everything else must be identical.
  expect(withoutNodeInternals(rec.stderr)).toBe(withoutNodeInternals(plain.stderr));
  expect(rec.stdout).toBe(plain.stdout);
  return recorded(rec);
}

function withoutNodeInternals(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^\s+at .*\(node:internal\/(process\/task_queues|timers)[^)]*\)$/.test(l))
    .join('\n');
}

const CRASH = 'test/agents/err-crash.mjs';
const agentUrl = (rel: string): string => `file://${path.join(REPO_ROOT, rel)}`;
/** 1-based line of the first line of an agent containing `marker`. */
function lineOf(rel: string, marker: string): number {
  const i = readFileSync(path.join(REPO_ROOT, rel), 'utf8').split('\n').findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`${marker} not in ${rel}`);
  return i + 1;
}

describe('uncaught errors', () => {
  it('a sync throw in a timer: error event with the throwing frame locals, same death', async () => {
    const r = await both(CRASH, ['sync']);
    expect(r.run.code).toBe(1);
    expect(r.run.stderr).toContain('RangeError: too many items: 5 > 3');
    expect(r.error).toMatchObject({ origin: 'uncaughtException', name: 'RangeError', message: 'too many items: 5 > 3' });
    expect(r.error!.stack).toContain('at validate (');
    expect(r.error!.frames![0]).toMatchObject({ functionName: 'validate', url: agentUrl(CRASH), line: lineOf(CRASH, 'throw new RangeError') });
    expect(r.error!.frames![0].locals).toEqual({ order: { id: 'o-17', items: [1, 2, 3, 4, 5] }, limit: 3, total: 5 });
    expect(r.error!.frames![1]).toMatchObject({ functionName: 'onTick', locals: { order: { id: 'o-17', items: [1, 2, 3, 4, 5] } } });
    expect(r.errorKeyframe?.frames[0].locals).toEqual(r.error!.frames![0].locals);
    expect(r.exit).toEqual({ code: 1, signal: null });
    expect(r.end).toMatchObject({ status: 'failed', exit: { code: 1 } });
  });

  it('an ESM top-level throw', async () => {
    const r = await both(CRASH, ['toplevel']);
    expect(r.run.code).toBe(1);
    expect(r.error).toMatchObject({ name: 'RangeError', message: 'too many items: 4 > 3' });
    expect(r.error!.frames![0].locals).toEqual({ order: { id: 'o-top', items: [1, 2, 3, 4] }, limit: 3, total: 4 });
  });

  it('an unhandled rejection of an async function (default --unhandled-rejections=throw)', async () => {
    const r = await both(CRASH, ['rejection']);
    expect(r.run.code).toBe(1);
    // Node still prints the agent's throw site, not its own internals (the reason pause-on-exceptions is not used).
    expect(r.run.stderr.split('\n')[0]).toBe(`${agentUrl(CRASH)}:${lineOf(CRASH, 'throw new Error(`planner')}`);
    expect(r.error).toMatchObject({ origin: 'unhandledRejection', name: 'Error', message: 'planner failed for world domination after 2 attempts' });
    expect(r.error!.frames![0]).toMatchObject({ functionName: 'fetchPlan', line: lineOf(CRASH, 'throw new Error(`planner'), locals: { goal: 'world domination', attempts: 2 } });
  });

  it('a rejection awaited at the top level', async () => {
    const r = await both(CRASH, ['awaited']);
    expect(r.error!.frames![0].locals).toEqual({ goal: 'awaited goal', attempts: 2 });
  });

  it('a thrown non-Error value', async () => {
    const r = await both(CRASH, ['nonerror']);
    expect(r.run.code).toBe(1);
    expect(r.error).toMatchObject({ origin: 'uncaughtException', name: 'object', message: '{"code":42,"reason":"not an Error"}' });
  });

  it('a crash inside an async step and tool: identical stack, step and tool closed with the error', async () => {
    const r = await both(CRASH, ['step-async']);
    expect(r.run.code).toBe(1);
    expect(r.run.stderr).toContain('ReferenceError: no entry zz');
    expect(r.error).toMatchObject({ origin: 'unhandledRejection', name: 'ReferenceError', message: 'no entry zz' });
    expect(r.error!.frames![0].locals).toMatchObject({ key: 'zz', table: { a: 1 } });
    const events = readJournalEvents(r.run.journal!);
    const stepEv = events.find((e) => e.kind === 'step') as TraceEvent<'step'>;
    const toolEv = events.find((e) => e.kind === 'tool') as TraceEvent<'tool'>;
    expect(toolEv.parentSeq).toBe(stepEv.seq);
    expect(toolEv.payload.error).toMatchObject({ name: 'ReferenceError', message: 'no entry zz' });
    expect(stepEv.payload.error).toMatchObject({ name: 'ReferenceError', message: 'no entry zz' });
  });

  it('a sync crash inside a step', async () => {
    const r = await both(CRASH, ['step-sync']);
    expect(r.run.code).toBe(1);
    expect(r.error).toMatchObject({ origin: 'uncaughtException', name: 'SyntaxError' });
  });

  it('an LLM call that fails: the locals of the function that made the call', async () => {
    const mock: MockLlmServer = await startMockLlm();
    try {
      const r = await both('test/agents/err-llm.mjs', [], { MOCK_LLM_URL: mock.url });
      expect(r.run.code).toBe(1);
      expect(r.error?.origin).toBe('unhandledRejection');
      expect(r.error?.stack).toContain('err-llm.mjs');
      const summarize = r.error!.frames!.find((f) => f.functionName === 'summarize');
      expect(summarize?.locals).toMatchObject({ doc: { title: 'quarterly report', pages: 12 }, instructions: 'Summarize: quarterly report' });
    } finally {
      await mock.close();
    }
  });

  it('a CommonJS crash: same death as any --import preload, locals of both frames', async () => {
    // `--import` itself makes Node load a CJS main through the ESM loader (other stack lines), so the unrecorded
    // baseline preloads an empty module the same way.
    const noop = path.join(mkdtempSync(path.join(tmpdir(), 'agenttrace-noop-')), 'noop.mjs');
    writeFileSync(noop, '');
    const script = path.join(REPO_ROOT, 'test/agents/err-crash.cjs');
    const plain = spawnSync(process.execPath, ['--import', noop, script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    const journal = path.join(path.dirname(noop), 'journal.ndjson');
    const env = { PATH: process.env.PATH, AGENTTRACE_MODE: 'record', AGENTTRACE_JOURNAL: journal, AGENTTRACE_RUN_ID: 'x' };
    const rec = spawnSync(process.execPath, ['--import', REGISTER, script], { encoding: 'utf8', env });
    expect(rec.status).toBe(1);
    expect(rec.status).toBe(plain.status);
    expect(rec.stderr).toBe(plain.stderr);
    expect(rec.stdout).toBe(plain.stdout);
    const r = recorded({ code: rec.status, signal: null, stdout: rec.stdout, stderr: rec.stderr, journal });
    expect(r.error).toMatchObject({ name: 'Error', message: 'config from inline has no model' });
    expect(r.error!.frames!.map((f) => [f.functionName, f.locals])).toEqual([
      ['parseConfig', { text: '{"temperature": 0.2}', source: 'inline', parsed: { temperature: 0.2 } }],
      ['boot', { attempt: 1 }],
      // The module's top level (the CommonJS wrapper, its own parameters left out).
      ['', { parseConfig: '[Function parseConfig]', boot: '[Function boot]' }],
    ]);
  });
});

describe('exit', () => {
  it('records process.exitCode and process.exit codes with the end status', async () => {
    const a = await both(CRASH, ['exitcode']);
    expect(a.run.code).toBe(3);
    expect(a.error).toBeUndefined();
    expect(a.exit).toEqual({ code: 3, signal: null });
    expect(a.end).toMatchObject({ status: 'failed', exit: { code: 3 } });

    const b = await both(CRASH, ['exit']);
    expect(b.run.code).toBe(5);
    expect(b.end).toMatchObject({ status: 'failed', exit: { code: 5 } });

    const ok = await both('test/agents/state-steps.mjs');
    expect(ok.run.code).toBe(0);
    expect(ok.end).toMatchObject({ status: 'ok', exit: { code: 0, signal: null } });
  });
});
