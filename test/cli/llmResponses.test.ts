/**
 * The OpenAI Responses API through the CLI, with the real `openai` client (`client.responses.create`, with and
 * without `stream: true`, and `client.responses.stream`) against the mock server: each call is an LLM event with
 * messages, reply, function calls and tokens (the list's totals and cost come from them); the run replays offline
 * with the same output; branch edits of the output text, the function-call arguments and the usage reach the agent
 * through its own client, streamed or not.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import { callCost } from '../../src/shared/model/pricing.js';
import type { LlmPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { cli, recordAgent, showJson } from '../branches/branchHarness.js';
import { useMockLlm } from '../mock/useMockLlm.js';
import { cliJson, removeHomes, tmpHome } from './cliHarness.js';

afterAll(removeHomes);

const mock = useMockLlm();
const AGENT = 'llm-responses.mjs';
/** About ten CLI processes per test: generous on a loaded machine. */
const SLOW = 180_000;
const OUT = 'answer: echo: hello there [completed 4/3]\ncall: get_weather {"query":"weather in Oslo"}\nfinal: tool said: Oslo 24C cloudy [6/5]\n';

const payloads = (events: TraceEvent[]): LlmPayload[] => events.map((e) => e.payload as LlmPayload);

/** Records the agent in `mode`, checks its LLM events and replays it offline; returns the run and its LLM events. */
async function recordAndReplay(mode: string): Promise<{ home: string; id: string; llm: TraceEvent[] }> {
  const home = tmpHome();
  const env = { MOCK_URL: mock.url };
  const rec = await recordAgent(home, AGENT, env, [mode]);
  expect(rec.stdout).toBe(OUT);
  const p = payloads(rec.llm);
  expect(p.map((x) => [x.request.url.replace(mock.url, ''), x.model, x.stream, x.finishReason])).toEqual(
    Array.from({ length: 3 }, () => ['/v1/responses', 'gpt-4.1-mini', mode !== 'json', 'completed']),
  );
  expect(p[0].messages).toEqual([
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: 'hello there' },
  ]);
  expect(p[0].reply).toEqual({ role: 'assistant', content: 'echo: hello there' });
  const call = p[1].reply?.toolCalls?.[0];
  expect(call).toMatchObject({ name: 'get_weather', arguments: '{"query":"weather in Oslo"}' });
  expect(call?.id).toMatch(/^call_/);
  expect(p[2].messages).toEqual([
    { role: 'user', content: 'weather in Oslo' },
    { role: 'assistant', content: null, tool_calls: [{ id: call?.id, type: 'function', function: { name: 'get_weather', arguments: '{"query":"weather in Oslo"}' } }] },
    { role: 'tool', tool_call_id: call?.id, content: 'Oslo 24C cloudy' },
  ]);
  // The tokens the agent printed (from its own client) are the event's usage.
  expect(p.map((x) => x.usage)).toEqual([
    { promptTokens: 4, completionTokens: 3, totalTokens: 7 },
    { promptTokens: 3, completionTokens: 3, totalTokens: 6 },
    { promptTokens: 6, completionTokens: 5, totalTokens: 11 },
  ]);
  const [run] = await cliJson<(RunListItem & { costUsd?: number })[]>(['list', '--json'], { home });
  expect(run).toMatchObject({ llmCalls: 3, promptTokens: 13, completionTokens: 11, totalTokens: 24 });
  const cost = p.reduce((s, x) => s + (callCost(x.model, x.usage) ?? NaN), 0);
  expect(run.costUsd).toBeCloseTo(cost, 12);
  expect(cost).toBeGreaterThan(0);

  const served = mock.requests.length;
  const replay = await cli(home, ['replay', rec.id], env);
  expect(replay.stdout).toBe(OUT);
  expect(mock.requests.length).toBe(served);
  return { home, id: rec.id, llm: rec.llm };
}

describe('OpenAI Responses API calls', () => {
  it('create (JSON): LLM events with tokens and cost, offline replay; text and usage edits reach the agent', async () => {
    const { home, id, llm } = await recordAndReplay('json');
    const first = llm[0].seq;
    await cli(home, ['branch', 'create', id, '--step', String(first), '--name', 'hi']);
    const edit = await cli(home, ['branch', 'edit', `${id}__hi`, '--event', String(first), '--payload', '{"content": "Bonjour, edited!", "usage": {"input_tokens": 100, "output_tokens": 20}}']);
    expect(edit.stdout).toContain('reply "Bonjour, edited!", usage 100 in / 20 out tokens');
    const served = mock.requests.length;
    const run = await cli(home, ['replay', id, '--branch', 'hi'], { MOCK_URL: mock.url });
    expect(run.stdout).toBe(OUT.replace('echo: hello there [completed 4/3]', 'Bonjour, edited! [completed 100/20]'));
    expect(mock.requests.length).toBe(served);
    const edited = payloads((await showJson(home, `${id}__hi`, 'llm')).events)[0];
    expect(edited).toMatchObject({ reply: { content: 'Bonjour, edited!' }, usage: { promptTokens: 100, completionTokens: 20, totalTokens: 120 } });
    const branch = (await cliJson<RunListItem[]>(['list', '--json'], { home })).find((r) => r.id === `${id}__hi`);
    expect(branch?.promptTokens).toBe(100 + 3 + 6);
  }, SLOW);

  it('create with stream: true: the edited function-call arguments are re-emitted as a Responses event stream', async () => {
    const { home, id, llm } = await recordAndReplay('stream');
    const plan = llm[1].seq;
    await cli(home, ['branch', 'create', id, '--step', String(plan), '--name', 'paris']);
    await cli(home, ['branch', 'edit', `${id}__paris`, '--event', String(plan), '--payload', '{"content": "", "toolCalls": [{"name": "get_weather", "arguments": {"query": "weather in Paris"}}]}']);
    const run = await cli(home, ['replay', id, '--branch', 'paris'], { MOCK_URL: mock.url });
    // The agent's tool and the model's last answer ran live on the edited arguments.
    expect(run.stdout).toBe(OUT.replace('"weather in Oslo"}', '"weather in Paris"}').replace('tool said: Oslo 24C cloudy', 'tool said: Paris 24C sunny'));
    expect(mock.requests.at(-1)?.body.input.at(-1)).toMatchObject({ type: 'function_call_output', call_id: 'call_agenttrace_edit_0', output: 'Paris 24C sunny' });
    const [edited] = (await showJson(home, `${id}__paris`, 'llm')).events;
    const chunks = (edited.payload as LlmPayload).response?.chunks ?? [];
    expect(chunks.map((c) => /^event: (\S+)/.exec(c.data)?.[1])).toContain('response.function_call_arguments.delta');
    expect((edited.payload as LlmPayload).reply?.toolCalls).toEqual([{ id: 'call_agenttrace_edit_0', name: 'get_weather', arguments: '{"query":"weather in Paris"}' }]);
  }, SLOW);

  it('client.responses.stream: an edited text is accumulated by the client into its final response', async () => {
    const { home, id, llm } = await recordAndReplay('helper');
    const last = llm[2].seq;
    await cli(home, ['branch', 'create', id, '--step', String(last), '--name', 'short']);
    await cli(home, ['branch', 'edit', `${id}__short`, '--event', String(last), '--payload', '{"content": "It is cold, take a coat."}']);
    const run = await cli(home, ['replay', id, '--branch', 'short'], { MOCK_URL: mock.url });
    expect(run.stdout).toBe(OUT.replace('tool said: Oslo 24C cloudy', 'It is cold, take a coat.'));
  }, SLOW);
});
