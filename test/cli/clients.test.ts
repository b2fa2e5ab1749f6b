/**
 * Recording through the real CLI with the real LLM clients (openai v6/v4, groq-sdk v1/v0, @anthropic-ai/sdk;
 * ESM, CJS and TypeScript agents; concurrent calls and streams): every request the mock server received is a
 * stored `llm` event, in issue order, with the reply and usage the client got, and the run totals add up.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import type { LlmPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { cliJson, removeHomes, runCli, tmpHome } from './cliHarness.js';

const KEYS = { OPENAI_API_KEY: 'sk-test-AAAA1111BBBB2222CCCC', GROQ_API_KEY: 'gsk_testAAAA1111BBBB2222CCCC', ANTHROPIC_API_KEY: 'sk-ant-test-AAAA1111BBBB2222' };

const mock = useMockLlm({ chunkDelayMs: 5 });
afterAll(() => {
  removeHomes();
});

const lastUserText = (body: { messages?: { role: string; content: unknown }[] }): string => {
  const user = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  return typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content);
};

describe.each([
  ['openai v6, ESM, concurrent + stream', 'test/agents/net-openai-v6.mjs'],
  ['openai v4, CJS (http.request)', 'test/agents/net-openai-v4.cjs'],
  ['groq-sdk v1, TypeScript', 'test/agents/net-groq.ts'],
  ['groq-sdk v0, CJS', 'test/agents/net-groq-v0.cjs'],
  ['@anthropic-ai/sdk, ESM', 'test/agents/net-anthropic.mjs'],
])('%s', (_label, script) => {
  it('stores every LLM call with its request, reply and usage', async () => {
    const home = tmpHome();
    const before = mock.requests.length;
    const r = await runCli(['record', script, '--json'], { home, env: { MOCK_URL: mock.url, ...KEYS } });
    expect(r.code, r.stderr).toBe(0);
    const received = mock.requests.slice(before).filter((q) => q.method === 'POST');
    expect(received.length).toBeGreaterThan(0);

    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    const { events } = await cliJson<{ events: TraceEvent<'llm'>[] }>(['show', run.id, '--json', '--kind', 'llm'], { home });
    expect(events).toHaveLength(received.length);
    // Issue order: seqs ascend, and the multiset of prompts equals what the server got.
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(events.map((e) => lastUserText({ messages: e.payload.messages as never })).sort()).toEqual(received.map((q) => lastUserText(q.body as never)).sort());

    let tokens = 0;
    for (const e of events) {
      const p: LlmPayload = e.payload;
      expect(p.response?.status).toBeGreaterThanOrEqual(200);
      expect(e.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(p.request.headers.authorization ?? p.request.headers['x-api-key'] ?? '***').toBe('***');
      if (p.response?.status === 200) {
        // Streams report usage only when asked (stream_options.include_usage); plain replies always do.
        if (!p.stream) expect(p.usage?.totalTokens).toBeGreaterThan(0);
        tokens += p.usage?.totalTokens ?? 0;
        if (!p.reply?.toolCalls?.length) expect(p.reply?.content).toBe(`echo: ${lastUserText({ messages: p.messages as never })}`);
      }
    }
    expect(run).toMatchObject({ status: 'ok', llmCalls: events.length, totalTokens: tokens });
    expect(JSON.stringify(events)).not.toMatch(/AAAA1111BBBB2222/);
  });
});
