/**
 * An edited Responses API reply, rendered as a stream, is read by the real `openai` client's own stream accumulator
 * (`client.responses.stream` and `finalResponse()`), text and function calls together; the client's fetch is handed
 * the rendered bytes.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { replyStream } from '../../src/shared/trace/llmWire.js';

describe('edited Responses stream through the openai client', () => {
  it('accumulates to the edited text, function call and usage', async () => {
    const reply = { role: 'assistant', content: 'Looking it up now.', toolCalls: [{ id: 'call_x', name: 'get_weather', arguments: '{"city": "Paris, France"}' }] };
    const frames = replyStream('openai-responses', { reply }, { model: 'gpt-4.1-mini', usage: { promptTokens: 9, completionTokens: 4, totalTokens: 13 } });
    const client = new OpenAI({ apiKey: 'sk-test-wire-0000', maxRetries: 0, fetch: async () => new Response(frames.join(''), { headers: { 'content-type': 'text/event-stream' } }) });
    const stream = client.responses.stream({ model: 'gpt-4.1-mini', input: 'weather?' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Looking it up now.');
    expect(deltas.join('')).toBe('Looking it up now.');
    expect(final.output.find((o) => o.type === 'function_call')).toMatchObject({ call_id: 'call_x', name: 'get_weather', arguments: '{"city": "Paris, France"}' });
    expect(final).toMatchObject({ status: 'completed', model: 'gpt-4.1-mini', usage: { input_tokens: 9, output_tokens: 4, total_tokens: 13 } });
  });
});
