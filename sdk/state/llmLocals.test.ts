/**
 * Locals at LLM client calls: a real openai v6 client against the mock LLM server. Each `llm` event gets a keyframe
 * (label 'llm call') at its seq with the locals of the agent function that called `chat.completions.create`,
 * also for concurrent calls.
 */
import { describe, expect, it } from 'vitest';
import type { Keyframe, LlmPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { readJournalEvents, readJournalLines } from '../../test/helpers/journal.js';
import { runAgent } from '../../test/helpers/recordAgent.js';
import { useMockLlm } from '../../test/mock/useMockLlm.js';

const mock = useMockLlm();

describe('locals at LLM client calls', () => {
  it('keyframes each openai call with the calling function locals', async () => {
    const run = await runAgent('test/agents/state-llm.mjs', { env: { MOCK_LLM_URL: mock.url } });
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

  it('keyframes each responses.create call (streamed or not) with the calling function locals', async () => {
    const run = await runAgent('test/agents/state-llm-responses.mjs', { env: { MOCK_LLM_URL: mock.url } });
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
});
