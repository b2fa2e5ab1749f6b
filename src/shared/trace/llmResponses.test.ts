/** The OpenAI Responses API in the normalized LLM fields: recognition, request messages, JSON and SSE replies, and
 * edited replies rendered back in its wire format (parsed again to the same fields). */
import { describe, expect, it } from 'vitest';
import { detectLlmCall, llmApiOf, llmProviderOf, llmResponseInfo, parseSse } from './llm.js';
import { finishReasonOf, replyJson, replyStream } from './llmWire.js';
import { callCost } from '../model/pricing.js';

const URL = 'https://api.openai.com/v1/responses';
const events = (objs: { type: string }[]): string => objs.map((o, i) => `event: ${o.type}\ndata: ${JSON.stringify({ ...o, sequence_number: i })}\n\n`).join('');

const message = (text: string, id = 'msg_1') => ({ id, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });
const call = (args: string, callId = 'call_1') => ({ id: 'fc_1', type: 'function_call', status: 'completed', call_id: callId, name: 'get_weather', arguments: args });
const usage = { input_tokens: 31, input_tokens_details: { cached_tokens: 8 }, output_tokens: 12, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 43 };
const response = (output: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'resp_1', object: 'response', created_at: 1, model: 'gpt-4.1-mini', status: 'completed', output, usage, ...extra });

describe('Responses API recognition', () => {
  it('recognises the create call only; names the provider from the host', () => {
    expect(llmApiOf('POST', URL)).toBe('openai-responses');
    expect(llmApiOf('POST', 'http://127.0.0.1:9/v1/responses/')).toBe('openai-responses');
    expect(llmApiOf('POST', 'https://api.groq.com/openai/v1/responses')).toBe('openai-responses');
    expect(llmApiOf('GET', URL)).toBeNull();
    expect(llmApiOf('GET', `${URL}/resp_1`)).toBeNull();
    expect(llmApiOf('POST', `${URL}/resp_1/cancel`)).toBeNull();
    expect(llmApiOf('POST', `${URL}/input_tokens`)).toBeNull();
    expect(llmProviderOf(URL, 'openai-responses')).toBe('openai');
    expect(llmProviderOf('https://api.groq.com/openai/v1/responses', 'openai-responses')).toBe('groq');
    expect(llmProviderOf('http://localhost:8000/v1/responses', 'openai-responses')).toBe('openai-compatible');
  });

  it('names Gemini behind its OpenAI-compatible endpoint; Anthropic message batches stay plain HTTP', () => {
    const gemini = 'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions';
    expect(llmApiOf('POST', gemini)).toBe('chat-completions');
    expect(detectLlmCall('POST', gemini, { model: 'gemini-2.5-flash', messages: [] })?.provider).toBe('gemini');
    // Gemini models have no built-in price: unpriced, never a wrong cost.
    expect(callCost('gemini-2.5-flash', { promptTokens: 10, completionTokens: 5, totalTokens: 15 })).toBeUndefined();
    expect(llmApiOf('POST', 'https://api.anthropic.com/v1/messages/batches')).toBeNull();
  });

  it('maps instructions and a string input to system and user messages', () => {
    const info = detectLlmCall('POST', URL, { model: 'gpt-4.1', instructions: 'be terse', input: 'hi', stream: true });
    expect(info).toEqual({ api: 'openai-responses', provider: 'openai', model: 'gpt-4.1', stream: true, messages: [{ role: 'system', content: 'be terse' }, { role: 'user', content: 'hi' }] });
  });

  it('maps input items: messages as they are, function calls and their outputs in chat-completions shape', () => {
    const reasoning = { type: 'reasoning', id: 'rs_1', summary: [] };
    const info = detectLlmCall('POST', URL, {
      model: 'm',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'weather in Oslo and Rome?' }] },
        reasoning,
        { type: 'function_call', id: 'fc_1', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call', id: 'fc_2', call_id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'call_a', output: '3C' },
        { type: 'function_call_output', call_id: 'call_b', output: '21C' },
        { type: 'message', role: 'developer', content: 'answer briefly' },
      ],
    });
    expect(info?.messages).toEqual([
      { role: 'user', content: [{ type: 'input_text', text: 'weather in Oslo and Rome?' }] },
      reasoning,
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '3C' },
      { role: 'tool', tool_call_id: 'call_b', content: '21C' },
      { role: 'developer', content: 'answer briefly' },
    ]);
    expect(detectLlmCall('POST', URL, { model: 'm', previous_response_id: 'resp_0' })?.messages).toBeUndefined();
  });
});

describe('Responses API replies', () => {
  it('JSON: output text, function calls with their call_id, usage and status', () => {
    const info = llmResponseInfo('openai-responses', 200, 'application/json', JSON.stringify(response([{ type: 'reasoning', id: 'rs', summary: [] }, message('It is '), message('sunny.', 'msg_2'), call('{"city":"Oslo"}')])));
    expect(info).toEqual({
      reply: { role: 'assistant', content: 'It is sunny.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      finishReason: 'completed',
      usage: { promptTokens: 31, completionTokens: 12, totalTokens: 43 },
    });
  });

  it('JSON: an incomplete response gives its reason; an error status or body gives nothing', () => {
    const cut = response([message('It is')], { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(llmResponseInfo('openai-responses', 200, 'application/json', JSON.stringify(cut)).finishReason).toBe('max_output_tokens');
    expect(llmResponseInfo('openai-responses', 429, 'application/json', '{"error":{"message":"slow down"}}')).toEqual({});
    expect(llmResponseInfo('openai-responses', 200, 'application/json', '{"error":{"message":"odd"}}')).toEqual({});
  });

  it('SSE: text deltas and function-call argument deltas assemble; the completed response carries usage', () => {
    const open = response([], { status: 'in_progress', usage: null });
    const text = events([
      { type: 'response.created', response: open } as { type: string },
      { type: 'response.output_item.added', output_index: 0, item: { ...message(''), content: [] } } as { type: string },
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Checking' } as { type: string },
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: ' now.' } as { type: string },
      { type: 'response.output_item.added', output_index: 1, item: call('') } as { type: string },
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 1, delta: '{"city":' } as { type: string },
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 1, delta: '"Oslo"}' } as { type: string },
    ]);
    // Cut before the terminal event: assembled from the deltas, no finish reason, no usage.
    expect(llmResponseInfo('openai-responses', 200, 'text/event-stream', text)).toEqual({
      reply: { role: 'assistant', content: 'Checking now.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
    });
    const done = text + events([{ type: 'response.completed', response: response([message('Checking now.'), call('{"city":"Oslo"}')]) } as { type: string }]);
    expect(llmResponseInfo('openai-responses', 200, 'text/event-stream', done)).toEqual({
      reply: { role: 'assistant', content: 'Checking now.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      finishReason: 'completed',
      usage: { promptTokens: 31, completionTokens: 12, totalTokens: 43 },
    });
  });

  it('SSE: response.failed and error events end the call with their reason', () => {
    const open = response([], { status: 'in_progress', usage: null });
    const failed = events([
      { type: 'response.created', response: open } as { type: string },
      { type: 'response.failed', response: response([], { status: 'failed', error: { code: 'server_error', message: 'boom' }, usage: null }) } as { type: string },
    ]);
    expect(llmResponseInfo('openai-responses', 200, 'text/event-stream', failed)).toEqual({ finishReason: 'failed' });
    const errored = events([{ type: 'response.created', response: open } as { type: string }, { type: 'error', code: 'server_error', message: 'boom', param: null } as { type: string }]);
    expect(llmResponseInfo('openai-responses', 200, 'text/event-stream', errored)).toEqual({ finishReason: 'error' });
  });
});

describe('edited Responses replies on the wire', () => {
  const recordedJson = JSON.stringify(response([call('{"city":"Oslo"}', 'call_rec')], { tools: [{ type: 'function', name: 'get_weather' }] }));
  const edit = { reply: { role: 'assistant', content: 'Paris is lovely.', toolCalls: [{ id: 'call_rec', name: 'get_weather', arguments: '{"city":"Paris"}' }] } };

  it('JSON keeps the recorded id, model, tools, item ids and usage; parses back to the edit', () => {
    const body = JSON.parse(replyJson('openai-responses', edit, { recordedText: recordedJson, usage: { promptTokens: 31, completionTokens: 12, totalTokens: 43 } }));
    expect(body).toMatchObject({ id: 'resp_1', object: 'response', model: 'gpt-4.1-mini', status: 'completed', tools: [{ type: 'function', name: 'get_weather' }], usage });
    expect(body.output.map((o: { type: string; id: string }) => [o.type, o.id])).toEqual([
      ['message', 'msg_agenttrace_edit'],
      ['function_call', 'fc_1'],
    ]);
    expect(llmResponseInfo('openai-responses', 200, 'application/json', JSON.stringify(body))).toEqual({ ...{ reply: edit.reply }, finishReason: 'completed', usage: { promptTokens: 31, completionTokens: 12, totalTokens: 43 } });
  });

  it('an edited usage and finish reason replace the recorded ones', () => {
    const t = { recordedText: recordedJson, usage: { promptTokens: 5, completionTokens: 7, totalTokens: 12 }, editedUsage: true };
    const e = { ...edit, finishReason: 'max_output_tokens' };
    expect(finishReasonOf('openai-responses', e)).toBe('max_output_tokens');
    const body = JSON.parse(replyJson('openai-responses', e, t));
    expect(body).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12 } });
    const info = llmResponseInfo('openai-responses', 200, 'text/event-stream', replyStream('openai-responses', e, t).join(''));
    expect(info).toEqual({ reply: edit.reply, finishReason: 'max_output_tokens', usage: { promptTokens: 5, completionTokens: 7, totalTokens: 12 } });
  });

  it('SSE: created … deltas … completed with increasing sequence numbers; parses back to the edit', () => {
    const frames = replyStream('openai-responses', edit, { recordedText: recordedJson });
    const evs = parseSse(frames.join(''));
    expect(evs[0].event).toBe('response.created');
    expect(evs.at(-1)?.event).toBe('response.completed');
    expect(evs.map((e) => (JSON.parse(e.data) as { sequence_number: number }).sequence_number)).toEqual(evs.map((_, i) => i));
    expect(evs.filter((e) => e.event === 'response.output_text.delta').length).toBe(3);
    expect(evs.filter((e) => e.event === 'response.function_call_arguments.delta').length).toBeGreaterThan(0);
    expect(llmResponseInfo('openai-responses', 200, 'text/event-stream', frames.join('')).reply).toEqual(edit.reply);
  });
});
