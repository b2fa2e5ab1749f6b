/**
 * Locals at LLM client calls: a real openai v6 client against the mock LLM server. An `llm` event due for a keyframe
 * gets one (label 'llm call') at its seq with the locals of the agent function that called `chat.completions.create`,
 * also for concurrent calls; calls in between are not paused.
 */
import { describe, expect, it } from 'vitest';
import type { Keyframe, LlmPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { readJournalEvents, readJournalLines } from '../../test/helpers/journal.js';
import { runAgent } from '../../test/helpers/recordAgent.js';
import { useMockLlm } from '../../test/mock/useMockLlm.js';

const mock = useMockLlm();

describe('locals at LLM client calls', () => {
  it('keyframes each openai call with the calling function locals (a keyframe due at every step)', async () => {
    const run = await runAgent('test/agents/state-llm.mjs', { env: { MOCK_LLM_URL: mock.url, AGENTTRACE_KEYFRAME_EVERY: '1' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('first true\nboth true\n');

    const events = readJournalEvents(run.journal!);
    const calls = events.filter((e): e is TraceEvent<'llm'> => e.kind === 'llm');
    expect(calls.length).toBe(3);
    const kfs = new Map<number, Keyframe>();
    for (const l of readJournalLines(run.journal!)) if (l.t === 'kf') kfs.set(l.keyframe.seq, l.keyframe);

    const topics = calls.map((call) => {
      const kf = kfs.get(call.seq);
      expect(kf, `keyframe at llm seq ${call.seq}`).toBeDefined();
      expect(kf!.label).toBe('llm call');
      const ask = kf!.frames[0];
      expect(ask).toMatchObject({ functionName: 'ask', line: 9 });
      expect(ask.url).toMatch(/test\/agents\/state-llm\.mjs$/);
      const locals = ask.locals as { topic: string; turn: number; prompt: string; budget: unknown };
      expect(locals.prompt).toBe(`Tell me about ${locals.topic}`);
      expect(locals.budget).toEqual({ maxTokens: 64, turn: locals.turn });
      // The locals belong to this very call: the request carried the same prompt.
      const messages = (call.payload as LlmPayload).messages as { content: string }[];
      expect(messages[0].content).toBe(locals.prompt);
      // The stack goes through the client's create (library frame) before the agent's.
      expect(kf!.stack.some((f) => /node_modules\/openai\//.test(f.url))).toBe(true);
      return locals.topic;
    });
    expect(topics[0]).toBe('otters');
    expect(new Set(topics.slice(1))).toEqual(new Set(['ravens', 'squids']));
  });

  it('keyframes each responses.create call (streamed or not) with the calling function locals (a keyframe due at every step)', async () => {
    const run = await runAgent('test/agents/state-llm-responses.mjs', { env: { MOCK_LLM_URL: mock.url, AGENTTRACE_KEYFRAME_EVERY: '1' } });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('first true\nsecond true\n');
    const calls = readJournalEvents(run.journal!).filter((e): e is TraceEvent<'llm'> => e.kind === 'llm');
    expect(calls.map((c) => [(c.payload as LlmPayload).stream, (c.payload as LlmPayload).reply?.content])).toEqual([
      [false, 'echo: Tell me about otters'],
      [true, 'echo: Tell me about ravens'],
    ]);
    const kfs = new Map<number, Keyframe>();
    for (const l of readJournalLines(run.journal!)) if (l.t === 'kf') kfs.set(l.keyframe.seq, l.keyframe);
    const locals = calls.map((call) => {
      const kf = kfs.get(call.seq);
      expect(kf?.label).toBe('llm call');
      expect(kf!.frames[0]).toMatchObject({ functionName: 'ask', line: 10 });
      return kf!.frames[0].locals as { topic: string; prompt: string; budget: unknown };
    });
    expect(locals.map((l) => [l.topic, l.prompt, l.budget])).toEqual([
      ['otters', 'Tell me about otters', { maxTokens: 64, stream: false }],
      ['ravens', 'Tell me about ravens', { maxTokens: 64, stream: true }],
    ]);
  });

  it('pauses only at the calls due for a keyframe, with the locals of that very call', async () => {
    const run = await runAgent('test/agents/state-llm-loop.mjs', { args: ['30'], env: { MOCK_LLM_URL: mock.url } });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('done 30\n');
    const calls = readJournalEvents(run.journal!).filter((e): e is TraceEvent<'llm'> => e.kind === 'llm');
    expect(calls.length).toBe(30);
    const kfs = readJournalLines(run.journal!).flatMap((l) => (l.t === 'kf' ? [l.keyframe] : []));
    const withLocals = kfs.filter((k) => k.label === 'llm call');
    // A call takes 5 seqs (ids and clock reads, the llm event) and keyframes come every 10 (the default): about one
    // call in two is paused, at the call whose llm event is the keyframe; never every call. How many of those fit
    // in the capture budget (which counts whole pauses) depends on the machine's load; the startup burst fits one.
    expect(withLocals.length).toBeGreaterThanOrEqual(1);
    expect(withLocals.length).toBeLessThanOrEqual(16);
    for (const kf of withLocals) {
      const call = calls.find((c) => c.seq === kf.seq);
      expect(call, `llm event at keyframe ${kf.seq}`).toBeDefined();
      const frame = kf.frames[0];
      expect(frame).toMatchObject({ functionName: 'turn' });
      const locals = frame.locals as { i: number; prompt: string };
      expect(locals.prompt).toBe(`turn ${locals.i}`);
      expect(((call!.payload as LlmPayload).messages as { content: string }[])[0].content).toBe(locals.prompt);
    }
    // Keyframes stay every ~10 steps: no gap of more than 10 seqs between two of them.
    const seqs = kfs.map((k) => k.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i] - seqs[i - 1]).toBeLessThanOrEqual(10);
  });
});
