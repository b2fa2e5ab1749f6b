/** The mock server's OpenAI Responses API (`POST /v1/responses`) on raw HTTP: JSON, SSE and the function tool plan. */
import { describe, expect, it } from 'vitest';
import { parseSse } from '../../src/shared/trace/llm.js';
import { useMockLlm } from './useMockLlm.js';

const mock = useMockLlm();

const post = (body: unknown): Promise<Response> => fetch(`${mock.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }];

describe('mock Responses API', () => {
  it('answers a response object, the same bytes for the same request', async () => {
    const req = { model: 'm', instructions: 'be brief', input: 'hello there' };
    const a = await (await post(req)).text();
    expect(await (await post(req)).text()).toBe(a);
    expect(JSON.parse(a)).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'm',
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'echo: hello there' }] }],
      usage: { input_tokens: 4, output_tokens: 3, total_tokens: 7 },
    });
  });

  it('plans a function call for offered tools, then answers with the function output', async () => {
    const input = [{ role: 'user', content: 'find otters' }];
    const planned = (await (await post({ model: 'm', input, tools })).json()) as { output: { type: string; call_id: string; name: string; arguments: string }[] };
    expect(planned.output).toMatchObject([{ type: 'function_call', name: 'lookup', arguments: '{"query":"find otters"}' }]);
    const after = await (await post({ model: 'm', tools, input: [...input, ...planned.output, { type: 'function_call_output', call_id: planned.output[0].call_id, output: '3 otters' }] })).json();
    expect(after.output[0].content[0].text).toBe('tool said: 3 otters');
  });

  it('streams typed events with sequence numbers, ending with response.completed', async () => {
    const r = await post({ model: 'm', input: 'a b c', stream: true });
    expect(r.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await r.text());
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const data = events.map((e) => JSON.parse(e.data) as { type: string; sequence_number: number });
    expect(data.every((d, i) => d.type === events[i].event && d.sequence_number === i)).toBe(true);
  });
});
