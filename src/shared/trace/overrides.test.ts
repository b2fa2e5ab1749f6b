/**
 * Branch edits, pure: every accepted payload form per event kind, every rejection with its message, and applying
 * an edit — the rendered body or stream is parsed back by the same llm.ts code the recorder uses, so an agent's
 * client sees exactly the edited reply (OpenAI/Groq and Anthropic, JSON and SSE).
 */
import { describe, expect, it } from 'vitest';
import { llmResponseInfo, parseSse } from './llm.js';
import { textPieces } from './llmWire.js';
import { OverrideError, applyOverride, normalizeOverride, type EventOverride } from './overrides.js';
import type { Body, HttpPayload, LlmPayload, TraceEvent } from './types.js';

const ctx = { bodyText: (b: Body): string | undefined => ('text' in b ? b.text : undefined) };

function llmEvent(opts: { stream?: boolean; anthropic?: boolean; body?: string; chunks?: { t: number; data: string }[] } = {}): TraceEvent<'llm'> {
  const url = opts.anthropic ? 'https://api.anthropic.com/v1/messages' : 'https://api.openai.com/v1/chat/completions';
  const payload: LlmPayload = {
    layer: 'fetch',
    request: { method: 'POST', url, headers: {}, body: { text: '{}' } },
    provider: opts.anthropic ? 'anthropic' : 'openai',
    model: 'm1',
    stream: Boolean(opts.stream),
    usage: { promptTokens: 5, completionTokens: 7, totalTokens: 12 },
    ttfbMs: 3,
    durationMs: 20,
    response: {
      status: 200,
      headers: { 'content-type': opts.stream ? 'text/event-stream' : 'application/json', 'content-encoding': 'gzip', ...(opts.stream ? { 'transfer-encoding': 'chunked' } : { 'content-length': '99' }) },
      body: { text: opts.body ?? '' },
      ...(opts.chunks ? { chunks: opts.chunks } : {}),
    },
  };
  return { seq: 7, kind: 'llm', ts: 1, payload, fingerprint: 'fp' };
}

const recordedChat = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 5, model: 'm1', choices: [{ index: 0, message: { role: 'assistant', content: 'old' }, logprobs: { x: 1 }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 }, x_groq: { id: 'g' } });
const recordedStream = [
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm1', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`,
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm1', choices: [{ index: 0, delta: { content: 'old' }, finish_reason: null }] })}\n\n`,
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], x_groq: { usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } } })}\n\n`,
  'data: [DONE]\n\n',
];

function err(ev: TraceEvent, input: unknown): OverrideError {
  try {
    normalizeOverride(ev, input);
  } catch (e) {
    if (e instanceof OverrideError) return e;
    throw e;
  }
  throw new Error('expected an OverrideError');
}

const text = (p: LlmPayload | HttpPayload): string => (p.response?.body as { text: string }).text;

describe('normalizeOverride: LLM calls', () => {
  const ev = llmEvent({ body: recordedChat });
  it('accepts the shorthand, the reply object, provider bodies and a raw response', () => {
    expect(normalizeOverride(ev, { content: 'hi' })).toEqual({ type: 'reply', reply: { role: 'assistant', content: 'hi' } });
    expect(normalizeOverride(ev, { content: '', toolCalls: [{ name: 'f', arguments: { a: 1 } }], finishReason: 'tool_calls' })).toEqual({
      type: 'reply',
      reply: { role: 'assistant', content: '', toolCalls: [{ name: 'f', arguments: '{"a":1}' }] },
      finishReason: 'tool_calls',
    });
    expect(normalizeOverride(ev, { reply: { content: 'x', role: 'assistant' } })).toEqual({ type: 'reply', reply: { role: 'assistant', content: 'x' } });
    expect(normalizeOverride(ev, { choices: [{ index: 0, message: { role: 'assistant', content: 'native' }, finish_reason: 'length' }] })).toEqual({
      type: 'reply',
      reply: { role: 'assistant', content: 'native' },
      finishReason: 'length',
    });
    expect(normalizeOverride(ev, { content: [{ type: 'text', text: 'claude says' }], stop_reason: 'end_turn' })).toMatchObject({ reply: { content: 'claude says' }, finishReason: 'end_turn' });
    expect(normalizeOverride(ev, { status: 429, body: { error: { message: 'slow down' } } })).toEqual({ type: 'response', status: 429, body: { error: { message: 'slow down' } } });
  });
  it('rejects values, unknown fields and bad shapes with one clear message', () => {
    expect(err(ev, { value: 1 }).message).toBe('event 7 is an LLM call, not a random/time value');
    expect(err(ev, { content: 'x', extra: 1 }).message).toMatch(/^unknown field "extra" in an LLM reply edit \(allowed: content, toolCalls, finishReason, role, usage\)$/);
    expect(err(ev, { content: 42 }).message).toBe('"content" must be a string (the reply text), got a number');
    expect(err(ev, { foo: 1 }).message).toMatch(/not an LLM reply/);
    expect(err(ev, 'text').message).toBe('the payload must be a JSON object, got a string');
    expect(err(ev, { content: 'x', toolCalls: [{ arguments: '{}' }] }).message).toBe('"toolCalls[0].name" must be a non-empty string');
    expect(err(ev, { status: 99, body: '' }).message).toMatch(/"status" must be an HTTP status code from 200 to 599/);
    expect(err(ev, { choices: [] }).message).toBe('"choices[0].message" must be an object like {"role": "assistant", "content": "..."}');
    expect(err(ev, { choices: [{ message: { content: 5 } }] }).message).toBe('"choices[0].message.content" must be a string, got a number');
    expect(err(ev, { content: ['x'] }).message).toMatch(/^"content\[0\]" must be a block like/);
    const anthropic = llmEvent({ anthropic: true });
    expect(err(anthropic, { content: '', toolCalls: [{ name: 'f', arguments: 'not json' }] }).message).toMatch(/must be a JSON object for an Anthropic call/);
  });
});

describe('normalizeOverride: HTTP calls, values, annotations', () => {
  const http: TraceEvent = { seq: 3, kind: 'http', ts: 1, payload: { layer: 'fetch', request: { method: 'GET', url: 'https://x.test/a', headers: {} }, response: { status: 200, headers: {} } } };
  it('HTTP: status and body; the LLM forms are a kind mismatch', () => {
    expect(normalizeOverride(http, { status: 404, body: 'nope', headers: { 'X-A': 'b' } })).toEqual({ type: 'response', status: 404, body: 'nope', headers: { 'x-a': 'b' } });
    expect(normalizeOverride(http, { body: { ok: true } })).toEqual({ type: 'response', status: 200, body: { ok: true } });
    expect(err(http, { content: 'x' }).message).toBe('event 3 is an HTTP call (GET https://x.test/a), not an LLM call: it has no reply to edit');
    expect(err(http, { status: 200 }).message).toMatch(/"body" is missing/);
  });
  it('values are type-checked against their source', () => {
    const v = (source: string, value: unknown, kind: 'random' | 'crypto' | 'time' = 'random'): TraceEvent => ({ seq: 2, kind, ts: 1, payload: { source, value } as never });
    expect(normalizeOverride(v('Math.random', 0.3), { value: 0.9 })).toEqual({ type: 'value', value: 0.9 });
    expect(err(v('Math.random', 0.3), { value: 1 }).message).toBe('Math.random at event 2 needs a number from 0 (inclusive) to 1 (exclusive), got 1');
    expect(err(v('Math.random', 0.3), { value: '0.5' }).message).toMatch(/needs a number/);
    expect(normalizeOverride(v('crypto.randomUUID', 'x'), { value: '123e4567-e89b-42d3-a456-426614174000' })).toMatchObject({ type: 'value' });
    expect(err(v('crypto.randomUUID', 'x'), { value: 'nope' }).message).toMatch(/needs a UUID string/);
    expect(err(v('crypto.randomBytes', 'aabb', 'crypto'), { value: 'aabbcc' }).message).toMatch(/needs a hex string of 2 bytes/);
    expect(normalizeOverride(v('process.hrtime', [1, 2], 'time'), { value: [5, 6] })).toEqual({ type: 'value', value: [5, 6] });
    expect(err(v('Date.now', 1, 'time'), { value: 'tomorrow' }).message).toMatch(/milliseconds since 1970/);
    expect(err(v('Math.random', 0.3), { content: 'x' }).message).toBe('event 2 is a random value (Math.random), not an LLM reply or HTTP result');
    expect(err(v('Math.random', 0.3), { value: 0.1, more: 1 }).message).toMatch(/unknown field "more"/);
  });
  it('step and tool annotations point at what can be edited; other kinds are refused', () => {
    const step: TraceEvent = { seq: 4, kind: 'tool', ts: 1, payload: { name: 'search' } };
    const e = err(step, { content: 'x' });
    expect(e.message).toMatch(/^event 4 is a tool annotation \(tool\("search"\)\), not an input of the run/);
    expect(e.hint).toMatch(/the HTTP call behind it .* or the LLM reply/);
    expect(err({ seq: 1, kind: 'console', ts: 1, payload: { stream: 'stdout', text: 'x' } }, { value: 1 }).message).toBe('event 1 is a console event, which cannot be edited');
  });
});

describe('applyOverride', () => {
  const reply: EventOverride = { type: 'reply', reply: { role: 'assistant', content: 'EDITED  text ' } };
  it('OpenAI JSON: the recorded body is the template, only the reply changes; encoding dropped, length exact', () => {
    const out = applyOverride(llmEvent({ body: recordedChat }), reply, ctx).payload as LlmPayload;
    const body = JSON.parse(text(out)) as Record<string, unknown>;
    expect(body).toMatchObject({ id: 'chatcmpl-1', created: 5, x_groq: { id: 'g' }, usage: { total_tokens: 12 }, choices: [{ logprobs: null, finish_reason: 'stop' }] });
    expect(llmResponseInfo('chat-completions', 200, 'application/json', text(out)).reply).toEqual(reply.reply);
    expect(out.response?.headers['content-encoding']).toBeUndefined();
    expect(out.response?.headers['content-length']).toBe(String(Buffer.byteLength(text(out))));
    expect(out.reply).toEqual(reply.reply);
  });
  it('OpenAI/Groq stream: re-chunked SSE ending with [DONE], parsed back to the edit, timing within the recorded span', () => {
    const chunks = recordedStream.map((data, i) => ({ t: 5 + i * 5, data }));
    const out = applyOverride(llmEvent({ stream: true, body: recordedStream.join(''), chunks }), { ...reply, reply: { ...reply.reply, toolCalls: [{ name: 'f', arguments: '{"q": 1}' }] } }, ctx).payload as LlmPayload;
    const got = out.response?.chunks ?? [];
    expect(got.length).toBeGreaterThan(4);
    expect(got.every((c) => /^data: /.test(c.data) && c.data.endsWith('\n\n'))).toBe(true);
    expect(got.at(-1)?.data).toBe('data: [DONE]\n\n');
    expect(got[0].t).toBe(5);
    expect(got.at(-1)?.t).toBe(20);
    expect(got.map((c) => c.t)).toEqual([...got.map((c) => c.t)].sort((a, b) => a - b));
    const info = llmResponseInfo('chat-completions', 200, 'text/event-stream', got.map((c) => c.data).join(''));
    expect(info.reply).toEqual({ role: 'assistant', content: 'EDITED  text ', toolCalls: [{ id: 'call_agenttrace_edit_0', name: 'f', arguments: '{"q": 1}' }] });
    expect(info.finishReason).toBe('tool_calls');
    expect(info.usage).toEqual({ promptTokens: 5, completionTokens: 7, totalTokens: 12 });
    expect(out.response?.headers['content-length']).toBeUndefined();
  });
  it('Anthropic JSON and stream', () => {
    const ev = llmEvent({ anthropic: true, body: JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'm1', content: [{ type: 'text', text: 'old' }], stop_reason: 'end_turn', usage: { input_tokens: 5, output_tokens: 7 } }) });
    const json = applyOverride(ev, reply, ctx).payload as LlmPayload;
    expect(JSON.parse(text(json))).toMatchObject({ id: 'msg_1', content: [{ type: 'text', text: 'EDITED  text ' }], stop_reason: 'end_turn' });
    const streamed = applyOverride(llmEvent({ anthropic: true, stream: true, body: '' }), { type: 'reply', reply: { role: 'assistant', content: 'hi there', toolCalls: [{ name: 'calc', arguments: '{"x":2}' }] } }, ctx)
      .payload as LlmPayload;
    const sse = text(streamed);
    expect(parseSse(sse).map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    const info = llmResponseInfo('anthropic-messages', 200, 'text/event-stream', sse);
    expect(info.reply).toEqual({ role: 'assistant', content: 'hi there', toolCalls: [{ id: 'toolu_agenttrace_edit_0', name: 'calc', arguments: '{"x":2}' }] });
    expect(info.finishReason).toBe('tool_use');
  });
  it('a raw response replaces status, body and error; a value edit replaces the value', () => {
    const ev = llmEvent({ body: recordedChat });
    (ev.payload as LlmPayload & { error?: unknown }).error = { name: 'Error', message: 'reset' };
    const out = applyOverride(ev, { type: 'response', status: 503, body: { error: { message: 'down' } } }, ctx).payload as LlmPayload;
    expect(out.response).toMatchObject({ status: 503, headers: { 'content-type': 'application/json' }, body: { text: '{"error":{"message":"down"}}' } });
    expect(out.error).toBeUndefined();
    expect(out.reply).toBeUndefined();
    const v = applyOverride({ seq: 1, kind: 'random', ts: 1, payload: { source: 'Math.random', value: 0.1 } }, { type: 'value', value: 0.7 }, ctx);
    expect(v.payload).toEqual({ source: 'Math.random', value: 0.7 });
  });
});

describe('textPieces', () => {
  it('splits into word pieces that concatenate to the text, bounded in number', () => {
    for (const s of ['a b ', '  lead', 'one', 'x\n\ny', '']) expect(textPieces(s).join('')).toBe(s);
    expect(textPieces('a b c')).toEqual(['a', ' b', ' c']);
    const long = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' ');
    expect(textPieces(long).length).toBeLessThanOrEqual(256);
    expect(textPieces(long).join('')).toBe(long);
  });
});
