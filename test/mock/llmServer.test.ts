/** The mock LLM server speaks the wire formats the real clients expect (checked here on raw HTTP). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlmServer } from './llmServer.js';

let mock: MockLlmServer;
beforeAll(async () => {
  mock = await startMockLlm({ chunkDelayMs: 5 });
});
afterAll(() => mock.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(mock.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, indexed freely by the assertions
const json = async (r: Promise<Response>): Promise<any> => (await r).json();

const sseData = (text: string): string[] =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((e) => e.split('\n').find((l) => l.startsWith('data: '))!.slice(6));

describe('mock LLM server', () => {
  it('answers health checks and records every request', async () => {
    const before = mock.requests.length;
    const r = await fetch(`${mock.url}/health`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('ok');
    await post('/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }] }, { authorization: 'Bearer k' });
    expect(mock.requests.slice(before).map((q) => [q.method, q.path])).toEqual([
      ['GET', '/health'],
      ['POST', '/v1/chat/completions'],
    ]);
    expect(mock.requests.at(-1)!.headers.authorization).toBe('Bearer k');
    expect(mock.requests.at(-1)!.body.model).toBe('m');
  });

  it('echoes the last user message with word-count usage, deterministically', async () => {
    const req = { model: 'm', messages: [{ role: 'system', content: 'two words' }, { role: 'user', content: [{ type: 'text', text: 'hello there' }] }] };
    const a = await json(post('/v1/chat/completions', req));
    const b = await json(post('/v1/chat/completions', req));
    expect(a).toEqual(b);
    expect(a.choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: 'echo: hello there' }, logprobs: null, finish_reason: 'stop' });
    expect(a.usage).toEqual({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
  });

  it('calls the first tool when tools are offered and the user spoke last', async () => {
    const tools = [{ type: 'function', function: { name: 'find' } }, { type: 'function', function: { name: 'other' } }];
    const j = await json(post('/openai/v1/chat/completions', { model: 'm', tools, messages: [{ role: 'user', content: 'cats' }] }));
    expect(j.choices[0].finish_reason).toBe('tool_calls');
    expect(j.choices[0].message.tool_calls[0].function).toEqual({ name: 'find', arguments: '{"query":"cats"}' });
    const after = await json(post('/v1/chat/completions', { model: 'm', tools, messages: [{ role: 'user', content: 'cats' }, { role: 'tool', content: 'meow', tool_call_id: 'c' }] }));
    expect(after.choices[0].message.content).toBe('echo: cats');
  });

  it('streams SSE chunks per word with a usage chunk and [DONE]', async () => {
    const r = await post('/v1/chat/completions', { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'one two three' }] });
    expect(r.headers.get('content-type')).toBe('text/event-stream');
    const data = sseData(await r.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as { choices: { delta?: { content?: string }; finish_reason?: string }[] });
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('echo: one two three');
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
  });

  it('streams Anthropic events and answers JSON messages', async () => {
    const j = await json(post('/v1/messages', { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'hey' }] }));
    expect(j).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'echo: hey' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 2 } });
    const text = await (await post('/v1/messages', { model: 'c', stream: true, max_tokens: 5, messages: [{ role: 'user', content: 'hey' }] })).text();
    const types = text.split('\n\n').filter(Boolean).map((e) => e.split('\n')[0]);
    expect(types[0]).toBe('event: message_start');
    expect(types.at(-1)).toBe('event: message_stop');
    expect(types).toContain('event: message_delta');
  });

  it('fails on demand: 429 with retry-after 0, 500', async () => {
    const r429 = await post('/v1/chat/completions', { model: 'error-429', messages: [] });
    expect(r429.status).toBe(429);
    expect(r429.headers.get('retry-after')).toBe('0');
    expect((await json(Promise.resolve(r429))).error.code).toBe('rate_limit_exceeded');
    const r500 = await post('/openai/v1/chat/completions', { model: 'error-500', messages: [] });
    expect(r500.status).toBe(500);
    expect((await json(Promise.resolve(r500))).error.type).toBe('server_error');
    expect((await post('/v1/nothing', {})).status).toBe(404);
  });

  it('applies latency before answering', async () => {
    mock.setLatency(80);
    const t = performance.now();
    await (await fetch(`${mock.url}/health`)).text();
    mock.setLatency(0);
    expect(performance.now() - t).toBeGreaterThanOrEqual(75);
  });
});
