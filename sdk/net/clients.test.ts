/**
 * Network recording through the real LLM clients: each agent in test/agents runs twice in a real child process
 * against the real mock LLM server, once without the SDK (baseline) and once recorded; stdout must be identical,
 * the journal must hold the calls in issue order with their payloads, and no fake key may reach the journal.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useMockLlm } from '../../test/mock/useMockLlm.js';
import { runAgent, type AgentRun } from '../../test/helpers/recordAgent.js';
import { readJournalEvents } from '../../test/helpers/journal.js';
import type { LlmPayload, TraceEvent } from '../../src/shared/trace/types.js';

const KEYS = {
  OPENAI_API_KEY: 'sk-test-AAAA1111BBBB2222CCCC',
  GROQ_API_KEY: 'gsk_testAAAA1111BBBB2222CCCC',
  ANTHROPIC_API_KEY: 'sk-ant-test-AAAA1111BBBB2222',
};
const words = (s: string): number => s.split(/\s+/).filter(Boolean).length;

const mock = useMockLlm({ chunkDelayMs: 15 });

interface Recorded {
  run: AgentRun;
  calls: TraceEvent<'llm'>[];
  events: TraceEvent[];
}

/** Baseline run, then recorded run; asserts the agent saw no difference and the journal holds no key. */
async function record(script: string): Promise<Recorded> {
  const env = { MOCK_URL: mock.url, ...KEYS };
  const baseline = await runAgent(script, { record: false, env });
  const run = await runAgent(script, { env });
  expect(baseline.code, baseline.stderr).toBe(0);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toBe(baseline.stdout);
  expect(run.stderr).not.toContain('agenttrace:');
  const bytes = readFileSync(run.journal!, 'utf8');
  for (const key of Object.values(KEYS)) expect(bytes).not.toContain(key);
  const events = readJournalEvents(run.journal!);
  const calls = events.filter((e): e is TraceEvent<'llm'> => e.kind === 'llm');
  return { run, calls, events };
}

function ctxProbe(run: AgentRun): unknown {
  const line = run.stderr.split('\n').find((l) => l.startsWith('CTX '));
  return line ? (JSON.parse(line.slice(4)) as unknown) : undefined;
}

function bodyJson(p: LlmPayload): Record<string, unknown> {
  const body = p.request.body;
  if (!body || !('text' in body)) throw new Error('request body not inline');
  return JSON.parse(body.text) as Record<string, unknown>;
}

function userText(p: LlmPayload): string {
  const msgs = p.messages as { role: string; content: string }[];
  return msgs.filter((m) => m.role === 'user').at(-1)!.content;
}

describe('network recording with real clients', () => {
  it('openai v6 (ESM, built-in fetch): plain, tools, stream, concurrency, 429', async () => {
    const { run, calls } = await record('test/agents/net-openai-v6.mjs');
    expect(calls.map((c) => c.payload.model)).toEqual(['gpt-mock', 'gpt-mock', 'gpt-mock', 'gpt-mock', 'gpt-mock', 'gpt-mock', 'error-429']);
    for (const c of calls) {
      expect(c.payload.layer).toBe('fetch');
      expect(c.payload.provider).toBe('openai-compatible');
      expect(c.payload.request.url).toBe(`${mock.url}/v1/chat/completions`);
      expect(c.payload.request.headers.authorization).toBe('***');
      expect(c.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(c.payload.durationMs).toBeGreaterThan(0);
    }
    // The server did get the real key: masking happens only on the way to the journal.
    expect(mock.requests.some((r) => r.headers.authorization === `Bearer ${KEYS.OPENAI_API_KEY}`)).toBe(true);

    const [plain, tool, stream, ...rest] = calls;
    expect(plain.payload.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hello world' },
    ]);
    expect(plain.payload.stream).toBe(false);
    expect(plain.payload.reply).toEqual({ role: 'assistant', content: 'echo: hello world' });
    expect(plain.payload.finishReason).toBe('stop');
    expect(plain.payload.usage).toEqual({ promptTokens: 4, completionTokens: 3, totalTokens: 7 });
    expect(plain.payload.response?.status).toBe(200);
    expect(bodyJson(plain.payload).model).toBe('gpt-mock');

    expect(tool.payload.finishReason).toBe('tool_calls');
    expect(tool.payload.reply?.toolCalls).toEqual([{ id: expect.stringMatching(/^call_/) as string, name: 'search', arguments: '{"query":"find cats"}' }]);

    expect(stream.payload.stream).toBe(true);
    expect(stream.payload.reply).toEqual({ role: 'assistant', content: 'echo: stream these five words please' });
    expect(stream.payload.usage).toEqual({ promptTokens: 5, completionTokens: 6, totalTokens: 11 });
    const chunks = stream.payload.response!.chunks!;
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].t).toBeGreaterThanOrEqual(chunks[i - 1].t);
    // Arrival times, not one timestamp at the end: the server spaced the chunks 15 ms apart.
    expect(chunks.at(-1)!.t - chunks[0].t).toBeGreaterThan(60);
    expect(chunks.map((c) => c.data).join('')).toBe((stream.payload.response!.body as { text: string }).text);
    expect(chunks.at(-1)!.data).toContain('[DONE]');

    const concurrent = rest.slice(0, 3);
    // Issue order: Promise.all issues one, two, three in that order.
    expect(concurrent.map((c) => userText(c.payload))).toEqual(['concurrent one', 'concurrent two', 'concurrent three']);
    expect(concurrent.map((c) => c.payload.reply?.content).sort()).toEqual(['echo: concurrent one', 'echo: concurrent three', 'echo: concurrent two']);
    expect(new Set(concurrent.map((c) => c.fingerprint)).size).toBe(3);

    const limited = rest[3];
    expect(limited.payload.response?.status).toBe(429);
    expect(limited.payload.response?.headers['retry-after']).toBe('0');
    expect(limited.payload.reply).toBeUndefined();
    expect(limited.payload.error).toBeUndefined();

    // Agent code after awaiting the calls and inside the stream loop never runs in the SDK's internal context.
    const ctx = ctxProbe(run) as unknown[];
    expect(ctx.length).toBeGreaterThan(5);
    expect(ctx.every((v) => v === false)).toBe(true);
  });

  it('openai v4 (CJS, node-fetch over http.request): plain, stream, concurrency, 500', async () => {
    const { run, calls } = await record('test/agents/net-openai-v4.cjs');
    expect(calls).toHaveLength(6);
    for (const c of calls) {
      expect(c.payload.layer).toBe('http');
      expect(c.payload.request.url).toBe(`${mock.url}/v1/chat/completions`);
      expect(c.payload.request.headers.authorization).toBe('***');
    }
    const [plain, stream, ...rest] = calls;
    expect(plain.payload.reply?.content).toBe('echo: hello from v4');
    expect(plain.payload.usage).toEqual({ promptTokens: 3, completionTokens: 4, totalTokens: 7 });
    expect(stream.payload.stream).toBe(true);
    expect(stream.payload.reply?.content).toBe('echo: a streamed v4 reply');
    const chunks = stream.payload.response!.chunks!;
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks.at(-1)!.t - chunks[0].t).toBeGreaterThan(45);
    expect(rest.slice(0, 3).map((c) => userText(c.payload))).toEqual(['parallel 1', 'parallel 2', 'parallel 3']);
    expect(rest.slice(0, 3).map((c) => c.payload.reply?.content)).toEqual(['echo: parallel 1', 'echo: parallel 2', 'echo: parallel 3']);
    expect(rest[3].payload.model).toBe('error-500');
    expect(rest[3].payload.response?.status).toBe(500);
    const ctx = ctxProbe(run) as unknown[];
    expect(ctx.length).toBeGreaterThan(3);
    expect(ctx.every((v) => v === false)).toBe(true);
  });

  it('groq-sdk v1 (TypeScript agent through tsx): provider groq, streamed tool call, x_groq usage', async () => {
    const { calls } = await record('test/agents/net-groq.ts');
    expect(calls).toHaveLength(2);
    const [plain, stream] = calls;
    for (const c of calls) {
      expect(c.payload.provider).toBe('groq');
      expect(c.payload.layer).toBe('fetch');
      expect(c.payload.request.url).toBe(`${mock.url}/openai/v1/chat/completions`);
    }
    expect(plain.payload.reply?.content).toBe('echo: groq says hi');
    const args = '{"query":"weather in Paris"}';
    expect(stream.payload.reply?.toolCalls).toEqual([{ id: expect.stringMatching(/^call_/) as string, name: 'lookup', arguments: args }]);
    expect(stream.payload.finishReason).toBe('tool_calls');
    expect(stream.payload.usage).toEqual({ promptTokens: 3, completionTokens: words(args), totalTokens: 3 + words(args) });
  });

  it('groq-sdk v0 (CJS, http layer)', async () => {
    const { calls } = await record('test/agents/net-groq-v0.cjs');
    expect(calls.map((c) => [c.payload.layer, c.payload.provider, c.payload.stream, c.payload.reply?.content])).toEqual([
      ['http', 'groq', false, 'echo: old groq client'],
      ['http', 'groq', true, 'echo: stream from v0'],
    ]);
  });

  it('@anthropic-ai/sdk: system prompt, tool_use, streamed message with usage', async () => {
    const { calls } = await record('test/agents/net-anthropic.mjs');
    expect(calls).toHaveLength(3);
    const [plain, tool, stream] = calls;
    for (const c of calls) {
      expect(c.payload.provider).toBe('anthropic');
      expect(c.payload.request.headers['x-api-key']).toBe('***');
    }
    expect(plain.payload.messages).toEqual([
      { role: 'system', content: 'you are terse' },
      { role: 'user', content: 'hi claude' },
    ]);
    expect(plain.payload.reply).toEqual({ role: 'assistant', content: 'echo: hi claude' });
    expect(plain.payload.finishReason).toBe('end_turn');
    expect(plain.payload.usage).toEqual({ promptTokens: 2, completionTokens: 3, totalTokens: 5 });
    expect(tool.payload.finishReason).toBe('tool_use');
    expect(tool.payload.reply?.toolCalls).toEqual([{ id: expect.stringMatching(/^toolu_/) as string, name: 'calc', arguments: '{"query":"two plus two"}' }]);
    expect(stream.payload.stream).toBe(true);
    expect(stream.payload.reply?.content).toBe('echo: stream a claude reply');
    expect(stream.payload.usage).toEqual({ promptTokens: 4, completionTokens: 5, totalTokens: 9 });
    expect(stream.payload.response?.chunks?.length).toBeGreaterThanOrEqual(5);
  });
});
