/**
 * Edited replies of streamed calls are re-chunked: the agent's real client (openai v6, @anthropic-ai/sdk) still
 * consumes an event stream and gets the edited text; the branch stores the stream it was served.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseSse } from '../../src/shared/trace/llm.js';
import type { LlmPayload } from '../../src/shared/trace/types.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { removeHomes, tmpHome } from '../cli/cliHarness.js';
import { cli, prompts, recordAgent, showJson } from './branchHarness.js';

const mock = useMockLlm();
afterAll(() => {
  removeHomes();
});

describe('edited streamed replies', () => {
  it('OpenAI stream: re-chunked SSE ending with [DONE]; the agent prints the edited text', async () => {
    const home = tmpHome();
    const env = { MOCK_URL: mock.url };
    const rec = await recordAgent(home, 'branch-chain.mjs', env, ['stream']);
    expect((rec.llm[1].payload as LlmPayload).stream).toBe(true);
    const second = rec.llm[1].seq;
    await cli(home, ['branch', 'create', rec.id, '--step', String(second)]);
    const branch = `${rec.id}__step-${second}`;
    await cli(home, ['branch', 'edit', branch, '--event', String(second), '--payload', '{"content": "STREAMED EDIT, in several words"}']);
    const run = await cli(home, ['replay', rec.id, '--branch', branch], env);
    expect(run.stdout).toBe('1: echo: plan a trip\n2: STREAMED EDIT, in several words\n3: echo: summarize: STREAMED EDIT, in several words\n');

    const [edited, third] = (await showJson(home, branch, 'llm')).events;
    const p = edited.payload as LlmPayload;
    expect(p.stream).toBe(true);
    expect(p.reply?.content).toBe('STREAMED EDIT, in several words');
    const chunks = p.response?.chunks ?? [];
    expect(chunks.length).toBeGreaterThan(3);
    const data = parseSse(chunks.map((c) => c.data).join('')).map((e) => e.data);
    expect(data.at(-1)).toBe('[DONE]');
    expect(data.slice(0, -1).every((d) => (JSON.parse(d) as { object: string }).object === 'chat.completion.chunk')).toBe(true);
    expect(prompts(third)).toEqual(['summarize: STREAMED EDIT, in several words']);
  });

  it('Anthropic stream: a message_start … message_stop event stream; the agent prints the edited text', async () => {
    const home = tmpHome();
    const env = { MOCK_URL: mock.url };
    const rec = await recordAgent(home, 'branch-anthropic.mjs', env);
    expect(rec.stdout).toBe('first: echo: name a city (end_turn)\nsecond: echo: describe echo: name a city (end_turn)\n');
    const first = rec.llm[0].seq;
    await cli(home, ['branch', 'create', rec.id, '--step', String(first), '--name', 'paris']);
    const branch = `${rec.id}__paris`;
    await cli(home, ['branch', 'edit', branch, '--event', String(first), '--payload', '{"content": "Paris", "finishReason": "max_tokens"}']);
    const served = mock.requests.length;
    const run = await cli(home, ['replay', rec.id, '--branch', 'paris'], env);
    expect(run.stdout).toBe('first: Paris (max_tokens)\nsecond: echo: describe Paris (end_turn)\n');
    expect(mock.requests.slice(served).map((r) => r.body.messages[0].content)).toEqual(['describe Paris']);
    const [edited] = (await showJson(home, branch, 'llm')).events;
    const events = parseSse(((edited.payload as LlmPayload).response?.chunks ?? []).map((c) => c.data).join(''));
    expect(events[0].event).toBe('message_start');
    expect(events.at(-1)?.event).toBe('message_stop');
  });
});
