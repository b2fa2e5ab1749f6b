/**
 * The stack a keyframe holds at a network event is the stack there, read or known: a fetch's request event is
 * recorded from the recorder's own continuation after reading the request body, where no frame of the agent is on
 * the stack (the keyframe says so without a capture, on a new connection and on a kept-alive one); an
 * http.request's is recorded inside the agent's call, whose frame the keyframe holds.
 */
import { expect, it } from 'vitest';
import type { Keyframe } from '../../src/shared/trace/types.js';
import { readJournalEvents, readJournalLines } from '../../test/helpers/journal.js';
import { runAgent } from '../../test/helpers/recordAgent.js';
import { useMockLlm } from '../../test/mock/useMockLlm.js';

const mock = useMockLlm();

it('keyframes at a fetch request and at an http.request hold the stacks those events were recorded on', async () => {
  const run = await runAgent('test/agents/keyframe-net-stacks.mjs', { env: { MOCK_LLM_URL: mock.url, AGENTTRACE_KEYFRAME_EVERY: '1', AGENTTRACE_LOCALS: 'off' } });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toBe('fetch 200 (0 captures)\nfetch again 200 (0 captures)\nhttp 200 (1 captures)\n');
  const calls = readJournalEvents(run.journal!).filter((e) => e.kind === 'llm');
  expect(calls.map((e) => (e.payload as { layer: string }).layer)).toEqual(['fetch', 'fetch', 'http']);
  const kfs = new Map<number, Keyframe>();
  for (const l of readJournalLines(run.journal!)) if (l.t === 'kf') kfs.set(l.keyframe.seq, l.keyframe);
  expect(kfs.get(calls[0].seq)?.stack).toEqual([]);
  expect(kfs.get(calls[1].seq)?.stack).toEqual([]);
  const httpStack = kfs.get(calls[2].seq)?.stack ?? [];
  expect(httpStack.map((f) => f.functionName)).toContain('viaHttp');
  expect(httpStack.find((f) => f.functionName === 'viaHttp')?.url).toMatch(/test\/agents\/keyframe-net-stacks\.mjs$/);
});
