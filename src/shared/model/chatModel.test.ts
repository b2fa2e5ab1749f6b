import { describe, expect, it } from 'vitest';
import type { Json, LlmPayload } from '../trace/types.js';
import { chatModelOf, conversationOf, errorOf, isRealStream, paramsOf, toolDefsOf } from './chatModel.js';
import { linkToolCalls } from './toolLinks.js';

const base = (over: Partial<LlmPayload> = {}): LlmPayload => ({
  layer: 'fetch',
  provider: 'openai',
  model: 'gpt-4o-mini',
  stream: false,
  request: { method: 'POST', url: 'https://api.openai.com/v1/chat/completions', headers: {} },
  response: { status: 200, headers: { 'content-type': 'application/json' } },
  ...over,
});

describe('conversationOf', () => {
  it('pairs OpenAI tool calls with their tool messages both ways', () => {
    const { messages, resultIndexOf } = conversationOf([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'weather in Quito?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Quito"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":14}' },
    ]);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(messages[2].toolCalls[0]).toMatchObject({ id: 'call_1', name: 'weather', pretty: '{\n  "city": "Quito"\n}', validJson: true });
    expect(messages[3]).toMatchObject({ toolCallId: 'call_1', callIndex: 2, text: '{"temp":14}' });
    expect(resultIndexOf).toEqual({ call_1: 3 });
  });

  it('splits Anthropic tool_result blocks into tool messages and reads tool_use blocks as calls', () => {
    const { messages, resultIndexOf } = conversationOf([
      { role: 'system', content: 'sys' },
      { role: 'assistant', content: [{ type: 'text', text: 'let me look' }, { type: 'tool_use', id: 'toolu_1', name: 'search', input: { q: 'x' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'found' }] },
    ]);
    expect(messages.map((m) => m.role)).toEqual(['system', 'assistant', 'tool']);
    expect(messages[1]).toMatchObject({ text: 'let me look', toolCalls: [{ id: 'toolu_1', name: 'search', arguments: '{"q":"x"}' }] });
    expect(messages[2]).toMatchObject({ toolCallId: 'toolu_1', text: 'found', callIndex: 1 });
    expect(resultIndexOf).toEqual({ toolu_1: 2 });
  });

  it('reads Responses-style input items, text parts and non-text parts', () => {
    const { messages } = conversationOf(
      [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }, { type: 'input_image', image_url: 'x' }] },
        { type: 'function_call', call_id: 'fc_1', name: 'lookup', arguments: 'not json' },
        { type: 'function_call_output', call_id: 'fc_1', output: 'ok' },
      ],
      'you are terse',
    );
    expect(messages.map((m) => [m.role, m.text])).toEqual([
      ['system', 'you are terse'],
      ['user', 'hi'],
      ['assistant', ''],
      ['tool', 'ok'],
    ]);
    expect(messages[1].attachments).toEqual(['input_image']);
    expect(messages[2].toolCalls[0]).toMatchObject({ name: 'lookup', validJson: false, pretty: 'not json' });
    expect(messages[3].callIndex).toBe(2);
  });
});

describe('paramsOf and toolDefsOf', () => {
  it('lists known parameters first in a fixed order, then the rest, never the conversation', () => {
    const body = { messages: [], tools: [], user: 'u1', stream: true, response_format: { type: 'json_object' }, tool_choice: 'auto', max_tokens: 50, temperature: 0.2, model: 'gpt-x', top_p: 0.9 };
    expect(paramsOf(body, { model: 'gpt-x', stream: true }).map((p) => p.name)).toEqual(['model', 'temperature', 'top_p', 'max_tokens', 'response_format', 'tool_choice', 'stream', 'user']);
  });

  it('falls back to the payload model and stream flag when the body is not available', () => {
    expect(paramsOf(undefined, { model: 'm', stream: false })).toEqual([
      { name: 'model', value: 'm' },
      { name: 'stream', value: false },
    ]);
  });

  it('reads OpenAI chat, Responses and Anthropic tool definitions', () => {
    const defs = toolDefsOf({
      tools: [
        { type: 'function', function: { name: 'a', description: 'A', parameters: { type: 'object' } } },
        { type: 'function', name: 'b', parameters: { type: 'object', properties: {} } },
        { name: 'c', description: 'C', input_schema: { type: 'object' } },
      ],
    });
    expect(defs).toEqual([
      { name: 'a', description: 'A', parameters: { type: 'object' } },
      { name: 'b', parameters: { type: 'object', properties: {} } },
      { name: 'c', description: 'C', parameters: { type: 'object' } },
    ]);
  });
});

describe('errorOf', () => {
  it('reads an OpenAI 429: message, type, code, retry-after and rate-limit headers', () => {
    const p = base({ response: { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '7', 'x-ratelimit-remaining-requests': '0', 'content-type': 'application/json' } } });
    const e = errorOf(p, JSON.stringify({ error: { message: 'Rate limit reached for gpt-4o', type: 'requests', code: 'rate_limit_exceeded' } }));
    expect(e).toEqual({ status: 429, statusText: 'Too Many Requests', message: 'Rate limit reached for gpt-4o', type: 'requests', code: 'rate_limit_exceeded', retryAfter: '7', rateLimit: { 'x-ratelimit-remaining-requests': '0' } });
  });

  it('reads an Anthropic error body and retry-after-ms', () => {
    const p = base({ provider: 'anthropic', response: { status: 529, headers: { 'retry-after-ms': '1500', 'anthropic-ratelimit-requests-remaining': '3' } } });
    const e = errorOf(p, JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    expect(e).toMatchObject({ status: 529, message: 'Overloaded', type: 'overloaded_error', retryAfter: '1500 ms', rateLimit: { 'anthropic-ratelimit-requests-remaining': '3' } });
  });

  it('keeps a non-JSON error body as the message and reports network failures; a success is no error', () => {
    expect(errorOf(base({ response: { status: 502, headers: {} } }), 'Bad gateway from proxy')?.message).toBe('Bad gateway from proxy');
    expect(errorOf(base({ response: { status: 500, statusText: 'Internal', headers: {} } }))?.message).toBe('HTTP 500 Internal');
    expect(errorOf(base({ response: undefined, error: { name: 'TypeError', message: 'fetch failed', code: 'ECONNREFUSED' } }))).toEqual({ message: 'fetch failed', type: 'TypeError', code: 'ECONNREFUSED', rateLimit: {} });
    expect(errorOf(base(), '{"choices":[]}')).toBeUndefined();
  });
});

describe('isRealStream and chatModelOf', () => {
  it('counts chunks as a stream only for a successful event-stream response', () => {
    const chunks = [{ t: 1, data: '{"error":{}}' }];
    expect(isRealStream(base({ stream: true, response: { status: 429, headers: { 'content-type': 'application/json' }, chunks } }))).toBe(false);
    expect(isRealStream(base({ stream: true, response: { status: 200, headers: { 'content-type': 'application/json' }, chunks } }))).toBe(false);
    expect(isRealStream(base({ stream: true, response: { status: 200, headers: { 'Content-Type': 'text/event-stream; charset=utf-8' }, chunks } }))).toBe(true);
  });

  it('builds the reply, the conversation, params and tools; a 429 becomes an error, not an empty reply', () => {
    const req = JSON.stringify({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'search' } }] });
    const ok = chatModelOf(base({ messages: [{ role: 'user', content: 'hi' }], reply: { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'search', arguments: '{"q":"hi"}' }] }, finishReason: 'tool_calls' }), req);
    expect(ok.reply?.toolCalls[0]).toMatchObject({ name: 'search', pretty: '{\n  "q": "hi"\n}' });
    expect(ok.params.find((p) => p.name === 'temperature')?.value).toBe(0);
    expect(ok.tools.map((t) => t.name)).toEqual(['search']);
    expect(ok.error).toBeUndefined();
    const failed = chatModelOf(base({ response: { status: 429, headers: { 'retry-after': '0' } } }), req, '{"error":{"message":"Rate limit reached (mock)","code":"rate_limit_exceeded"}}');
    expect(failed.reply).toBeUndefined();
    expect(failed.error).toMatchObject({ status: 429, message: 'Rate limit reached (mock)', retryAfter: '0' });
    expect(chatModelOf(base({ response: undefined })).pending).toBe(true);
  });

  it('takes a Responses request body\'s input and instructions when the payload carries no messages', () => {
    const m = chatModelOf(base({ messages: undefined }), JSON.stringify({ model: 'gpt-5', instructions: 'sys', input: 'hello', max_output_tokens: 20 }));
    expect(m.messages.map((x) => [x.role, x.text])).toEqual([
      ['system', 'sys'],
      ['user', 'hello'],
    ]);
    expect(m.params.map((p) => p.name)).toEqual(['model', 'max_output_tokens']);
  });
});

describe('linkToolCalls', () => {
  const calls = [
    { id: 'c1', name: 'weather' },
    { id: 'c2', name: 'weather' },
    { id: 'c3', name: 'search' },
  ];
  const next: { seq: number; messages: Json } = {
    seq: 20,
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [] },
      { role: 'tool', tool_call_id: 'c2', content: 'rainy' },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
    ],
  };

  it('links each call to its tool step by name in order, and to its result by id', () => {
    const after = [
      { seq: 11, kind: 'tool', title: 'weather (3ms)' },
      { seq: 12, kind: 'http', title: 'GET https://x' },
      { seq: 13, kind: 'tool', title: 'weather ✗ boom' },
      { seq: 14, kind: 'tool', title: 'other' },
      { seq: 20, kind: 'llm', title: 'openai …' },
      { seq: 21, kind: 'tool', title: 'search' },
    ];
    expect(linkToolCalls(calls, after, next)).toEqual([
      { call: 0, step: { seq: 11, via: 'tool' }, result: { seq: 20, messageIndex: 3, text: 'sunny' } },
      { call: 1, step: { seq: 13, via: 'tool' }, result: { seq: 20, messageIndex: 2, text: 'rainy' } },
      // The only "search" annotation comes after the next LLM call: it belongs to a later turn.
      { call: 2 },
    ]);
  });

  it('falls back to the HTTP calls before the next LLM call when the agent has no tool annotations', () => {
    const after = [
      { seq: 5, kind: 'http', title: 'GET https://a' },
      { seq: 6, kind: 'http', title: 'GET https://b' },
      { seq: 7, kind: 'llm', title: 'openai' },
    ];
    const links = linkToolCalls([{ name: 'a' }, { name: 'b' }, { name: 'c' }], after, { seq: 7, messages: [{ role: 'tool', content: 'A' }, { role: 'tool', content: 'B' }] });
    expect(links.map((l) => l.step)).toEqual([{ seq: 5, via: 'http' }, { seq: 6, via: 'http' }, undefined]);
    expect(links.map((l) => l.result?.text)).toEqual(['A', 'B', undefined]);
  });
});
