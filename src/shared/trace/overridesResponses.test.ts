/**
 * Branch edits of OpenAI Responses API calls and edited token usage: the accepted forms (shorthand with function
 * calls and usage, a Responses body), their rejections, and applying them to a recorded JSON reply and stream.
 */
import { describe, expect, it } from 'vitest';
import { llmResponseInfo, parseSse } from './llm.js';
import { OverrideError, applyOverride, normalizeOverride } from './overrides.js';
import type { Body, LlmPayload, TraceEvent } from './types.js';

const ctx = { bodyText: (b: Body): string | undefined => ('text' in b ? b.text : undefined) };
const usage = { promptTokens: 20, completionTokens: 6, totalTokens: 26 };
const recorded = {
  id: 'resp_9',
  object: 'response',
  created_at: 7,
  model: 'gpt-4.1-mini',
  status: 'completed',
  output: [{ id: 'fc_9', type: 'function_call', status: 'completed', call_id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
  usage: { input_tokens: 20, output_tokens: 6, total_tokens: 26 },
};

function responsesEvent(stream: boolean): TraceEvent<'llm'> {
  const body = stream ? `event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', sequence_number: 0, response: recorded })}\n\n` : JSON.stringify(recorded);
  const payload: LlmPayload = {
    layer: 'fetch',
    request: { method: 'POST', url: 'https://api.openai.com/v1/responses', headers: {}, body: { text: '{}' } },
    provider: 'openai',
    model: 'gpt-4.1-mini',
    stream,
    usage,
    durationMs: 30,
    response: { status: 200, headers: { 'content-type': stream ? 'text/event-stream' : 'application/json' }, body: { text: body }, ...(stream ? { chunks: [{ t: 4, data: body }] } : {}) },
  };
  return { seq: 3, kind: 'llm', ts: 1, payload, fingerprint: 'fp' };
}

function err(ev: TraceEvent, input: unknown): OverrideError {
  try {
    normalizeOverride(ev, input);
  } catch (e) {
    if (e instanceof OverrideError) return e;
    throw e;
  }
  throw new Error('expected an OverrideError');
}

describe('Responses API edits', () => {
  const ev = responsesEvent(false);
  it('accepts function-call arguments and usage in the shorthand, and a Responses body with its string status', () => {
    expect(normalizeOverride(ev, { content: '', toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: { city: 'Paris' } }], usage: { input_tokens: 1, output_tokens: 2 } })).toEqual({
      type: 'reply',
      reply: { role: 'assistant', content: '', toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
    });
    const body = { status: 'completed', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Sunny.' }] }], usage: { input_tokens: 4, output_tokens: 1 } };
    expect(normalizeOverride(ev, body)).toEqual({ type: 'reply', reply: { role: 'assistant', content: 'Sunny.' }, finishReason: 'completed', usage: { promptTokens: 4, completionTokens: 1, totalTokens: 5 } });
    // A numeric status is still a raw HTTP response served as is.
    expect(normalizeOverride(ev, { status: 500, body: { error: { message: 'x' } } })).toMatchObject({ type: 'response', status: 500 });
  });

  it('rejects bad output items and bad usage with one clear message', () => {
    expect(err(ev, { output: [{ type: 'function_call', name: 'f', arguments: { a: 1 } }] }).message).toMatch(/^"output\[0\]" must be an item like/);
    expect(err(ev, { content: 'x', usage: { promptTokens: -1, completionTokens: 2 } }).message).toMatch(/^"usage" needs the prompt token count as a non-negative integer/);
    expect(err(ev, { content: 'x', usage: 12 }).message).toBe('"usage" must be an object of token counts, got a number');
  });

  it('JSON: the edit is rendered into the recorded response; usage edited', () => {
    const o = normalizeOverride(ev, { content: 'Paris is sunny.', usage: { promptTokens: 100, completionTokens: 50 } });
    const out = applyOverride(ev, o, ctx).payload as LlmPayload;
    const body = JSON.parse((out.response?.body as { text: string }).text) as Record<string, unknown>;
    expect(body).toMatchObject({ id: 'resp_9', created_at: 7, status: 'completed', usage: { input_tokens: 100, output_tokens: 50, total_tokens: 150 } });
    expect(out).toMatchObject({ reply: { role: 'assistant', content: 'Paris is sunny.' }, finishReason: 'completed', usage: { promptTokens: 100, completionTokens: 50, totalTokens: 150 } });
  });

  it('stream: a Responses event stream with the edited function-call arguments; the recorded usage stays', () => {
    const s = responsesEvent(true);
    const o = normalizeOverride(s, { content: '', toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const out = applyOverride(s, o, ctx).payload as LlmPayload;
    const text = (out.response?.chunks ?? []).map((c) => c.data).join('');
    expect(parseSse(text).map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(text).toContain('"id":"fc_9"');
    expect(llmResponseInfo('openai-responses', 200, 'text/event-stream', text)).toEqual({ reply: o.type === 'reply' ? o.reply : undefined, finishReason: 'completed', usage });
    expect(out.usage).toEqual(usage);
  });
});

describe('edited usage of chat completions', () => {
  it('replaces the recorded usage in the rendered body', () => {
    const ev = responsesEvent(false);
    ev.payload.request.url = 'https://api.openai.com/v1/chat/completions';
    ev.payload.response!.body = { text: JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'a' }, finish_reason: 'stop' }], usage: { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 } }) };
    const out = applyOverride(ev, normalizeOverride(ev, { content: 'b', usage: { prompt_tokens: 1, completion_tokens: 1 } }), ctx).payload as LlmPayload;
    expect(JSON.parse((out.response?.body as { text: string }).text).usage).toEqual({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });
    expect(out.usage).toEqual({ promptTokens: 1, completionTokens: 1, totalTokens: 2 });
  });
});
