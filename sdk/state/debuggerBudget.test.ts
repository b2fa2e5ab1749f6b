/**
 * The debugger's own cost (every promise on V8's slow path while it is on) is budgeted like captures: a real openai
 * client against the mock LLM server, locals on (the default). A loop whose model answers at once turns the
 * debugger off after its first calls: those keep their locals, later calls have none, and the error at the end gets
 * no locals from the SDK rather than stale ones (the CLI's replay fills them in: test/cli/errorLocals.test.ts). An
 * agent waiting on its model keeps the debugger to the end: locals at late calls and at the error. An explicit
 * snapshot gets its locals either way.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorPayload, Keyframe, TraceEvent } from '../../src/shared/trace/types.js';
import { readJournalEvents, readJournalLines } from '../../test/helpers/journal.js';
import { runAgent } from '../../test/helpers/recordAgent.js';
import { useMockLlm } from '../../test/mock/useMockLlm.js';
import { WARM_CALLS, WINDOW_CALLS } from './captureBudget.js';

const mock = useMockLlm();

async function loop(calls: number, delayMs: number): Promise<{ captured: number[]; error: ErrorPayload; calls: number }> {
  const run = await runAgent('test/agents/llm-loop-then-throw.mjs', {
    env: { MOCK_LLM_URL: mock.url, MOCK_DELAY_MS: String(delayMs), AGENTTRACE_KEYFRAME_EVERY: '1' },
    args: [String(calls)],
    timeoutMs: 60_000,
  });
  expect(run.code, run.stderr).toBe(1);
  expect(run.stdout).toBe(`last echo: turn ${calls - 1}\n`);
  const events = readJournalEvents(run.journal!);
  const llm = events.filter((e) => e.kind === 'llm').map((e) => e.seq);
  const kfs = new Map<number, Keyframe>();
  for (const l of readJournalLines(run.journal!)) if (l.t === 'kf') kfs.set(l.keyframe.seq, l.keyframe);
  // Calls (by index) whose keyframe holds the locals of the `ask` that made them.
  const captured = llm.flatMap((seq, i) => {
    const ask = kfs.get(seq)?.frames.find((f) => f.functionName === 'ask');
    if (!ask) return [];
    expect(ask.locals).toMatchObject({ turn: i, prompt: `turn ${i}` });
    return [i];
  });
  // Judging the debugger's cost reads Node's event-loop clock (process.hrtime): never one of the agent's values.
  expect(events.filter((e) => e.kind === 'time' && (e.payload as { source?: string }).source === 'process.hrtime')).toEqual([]);
  // An explicit snapshot gets its locals, whether the debugger is still on or not.
  const snap = [...kfs.values()].find((k) => k.label === 'after loop');
  expect(snap?.frames[0]).toMatchObject({ functionName: 'wrapUp', locals: { total: calls, tally: { calls } } });
  const errors = events.filter((e): e is TraceEvent<'error'> => e.kind === 'error');
  expect(errors).toHaveLength(1);
  return { captured, error: errors[0].payload, calls: llm.length };
}

describe('the debugger within the locals budget', () => {
  it('a loop answered at once: locals at its first calls, then the debugger is off (no locals, none stale)', async () => {
    const { captured, error, calls } = await loop(90, 0);
    expect(calls).toBe(90);
    expect(captured[0]).toBe(0);
    // Judged from call WARM_CALLS on, over windows of WINDOW_CALLS calls: off well before the end.
    expect(captured.at(-1)!).toBeLessThan(WARM_CALLS + 6 * WINDOW_CALLS);
    expect(error.message).toBe('stopped: done 90');
    expect(error.frames).toBeUndefined();
  }, 90_000);

  it('an agent waiting on its model: the debugger stays on, locals at late calls and at the error', async () => {
    const { captured, error } = await loop(WARM_CALLS + 3 * WINDOW_CALLS, 300);
    expect(captured.at(-1)!).toBeGreaterThanOrEqual(WARM_CALLS + 2 * WINDOW_CALLS);
    expect(error.frames?.[0]).toMatchObject({ functionName: 'finish', locals: { total: WARM_CALLS + 3 * WINDOW_CALLS, summary: `done ${WARM_CALLS + 3 * WINDOW_CALLS}` } });
  }, 90_000);
});
