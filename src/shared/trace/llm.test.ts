import { describe, expect, it } from 'vitest';
import { detectLlmCall, llmApiOf, llmProviderOf, llmResponseInfo, parseSse } from './llm.js';

const sse = (objs: unknown[], done = true): string => objs.map((o) => `data: ${JSON.stringify(o)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '');

describe('detectLlmCall', () => {
  it('recognises chat completions and Anthropic messages by method and path', () => {
    expect(llmApiOf('POST', 'https://api.openai.com/v1/chat/completions')).toBe('chat-completions');
    expect(llmApiOf('post', 'http://127.0.0.1:9/openai/v1/chat/completions/')).toBe('chat-completions');
    expect(llmApiOf('POST', 'https://api.anthropic.com/v1/messages')).toBe('anthropic-messages');
    expect(llmApiOf('GET', 'https://api.openai.com/v1/chat/completions')).toBeNull();
    expect(llmApiOf('POST', 'https://api.openai.com/v1/embeddings')).toBeNull();
    expect(llmApiOf('POST', 'not a url')).toBeNull();
  });

  it('names the provider from host and path', () => {
    expect(llmProviderOf('https://api.groq.com/openai/v1/chat/completions', 'chat-completions')).toBe('groq');
    expect(llmProviderOf('http://127.0.0.1:5000/openai/v1/chat/completions', 'chat-completions')).toBe('groq');
    expect(llmProviderOf('https://api.openai.com/v1/chat/completions', 'chat-completions')).toBe('openai');
    expect(llmProviderOf('https://api.anthropic.com/v1/messages', 'anthropic-messages')).toBe('anthropic');
    expect(llmProviderOf('http://localhost:11434/v1/chat/completions', 'chat-completions')).toBe('openai-compatible');
    expect(llmProviderOf('https://x.openai.azure.com/openai/v1/chat/completions', 'chat-completions')).toBe('openai-compatible');
  });

  it('extracts model, messages and stream; needs a JSON object body', () => {
    const body = { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] };
    expect(detectLlmCall('POST', 'https://api.openai.com/v1/chat/completions', body)).toEqual({
      api: 'chat-completions',
      provider: 'openai',
      model: 'gpt-4o',
      stream: true,
      messages: body.messages,
    });
    expect(detectLlmCall('POST', 'https://api.openai.com/v1/chat/completions', undefined)).toBeNull();
    expect(detectLlmCall('POST', 'https://api.openai.com/v1/chat/completions', [1])).toBeNull();
  });

  it('puts the Anthropic system prompt first in messages', () => {
    const info = detectLlmCall('POST', 'https://api.anthropic.com/v1/messages', { model: 'c', system: 'be terse', messages: [{ role: 'user', content: 'hi' }] });
    expect(info?.messages).toEqual([
      { role: 'system', content: 'be terse' },
      { role: 'user', content: 'hi' },
    ]);
    expect(info?.stream).toBe(false);
  });
});

describe('parseSse', () => {
  it('parses events, multi-line data, comments and CRLF', () => {
    expect(parseSse(': ping\n\nevent: a\ndata: 1\ndata: 2\n\r\ndata:x\n\ndata: tail')).toEqual([{ event: 'a', data: '1\n2' }, { data: 'x' }, { data: 'tail' }]);
  });
});

describe('llmResponseInfo: chat completions', () => {
  it('reads a JSON reply with tool calls and usage', () => {
    const body = {
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    };
    expect(llmResponseInfo('chat-completions', 200, 'application/json', JSON.stringify(body))).toEqual({
      reply: { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'f', arguments: '{"a":1}' }] },
      finishReason: 'tool_calls',
      usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 },
    });
  });

  it('assembles a stream: content deltas, tool call deltas merged by index, usage chunk', () => {
    const chunks = [
      { choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] },
      { choices: [{ index: 0, delta: { content: 'Hel' } }] },
      { choices: [{ index: 0, delta: { content: 'lo' } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 1, id: 'b', function: { name: 'second', arguments: '{' } }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'a', function: { name: 'first', arguments: '{"x"' } }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }, { index: 1, function: { arguments: '}' } }] } }] },
      { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      { choices: [], usage: { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 } },
    ];
    expect(llmResponseInfo('chat-completions', 200, 'text/event-stream', sse(chunks))).toEqual({
      reply: {
        role: 'assistant',
        content: 'Hello',
        toolCalls: [
          { id: 'a', name: 'first', arguments: '{"x":1}' },
          { id: 'b', name: 'second', arguments: '{}' },
        ],
      },
      finishReason: 'tool_calls',
      usage: { promptTokens: 7, completionTokens: 4, totalTokens: 11 },
    });
  });

  it('reads Groq stream usage from x_groq and detects SSE without a content type', () => {
    const chunks = [{ choices: [{ index: 0, delta: { content: 'ok' } }] }, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], x_groq: { usage: { prompt_tokens: 1, completion_tokens: 1 } } }];
    const info = llmResponseInfo('chat-completions', 200, undefined, sse(chunks));
    expect(info.reply?.content).toBe('ok');
    expect(info.usage).toEqual({ promptTokens: 1, completionTokens: 1, totalTokens: 2 });
  });

  it('gives nothing for error statuses and unparseable bodies', () => {
    expect(llmResponseInfo('chat-completions', 429, 'application/json', '{"error":{"message":"slow down"}}')).toEqual({});
    expect(llmResponseInfo('chat-completions', 200, 'application/json', 'not json')).toEqual({});
    expect(llmResponseInfo('chat-completions', 200, 'application/json', '')).toEqual({});
  });
});

describe('llmResponseInfo: Anthropic messages', () => {
  it('reads a JSON message with text and tool_use blocks', () => {
    const body = {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 't1', name: 'calc', input: { q: '2+2' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 2 },
    };
    expect(llmResponseInfo('anthropic-messages', 200, 'application/json', JSON.stringify(body))).toEqual({
      reply: { role: 'assistant', content: 'Let me check.', toolCalls: [{ id: 't1', name: 'calc', arguments: '{"q":"2+2"}' }] },
      finishReason: 'tool_use',
      usage: { promptTokens: 12, completionTokens: 5, totalTokens: 17 },
    });
  });

  it('assembles a stream of events; message_delta usage replaces message_start usage', () => {
    const events = [
      { type: 'message_start', message: { role: 'assistant', usage: { input_tokens: 9, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'there' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'tu', name: 'look', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"q":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"x"}' } },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 6 } },
      { type: 'message_stop' },
    ];
    const text = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
    expect(llmResponseInfo('anthropic-messages', 200, 'text/event-stream; charset=utf-8', text)).toEqual({
      reply: { role: 'assistant', content: 'Hi there', toolCalls: [{ id: 'tu', name: 'look', arguments: '{"q":"x"}' }] },
      finishReason: 'tool_use',
      usage: { promptTokens: 9, completionTokens: 6, totalTokens: 15 },
    });
  });

  it('gives nothing for an error body', () => {
    expect(llmResponseInfo('anthropic-messages', 200, 'application/json', '{"type":"error","error":{"type":"overloaded_error"}}')).toEqual({});
  });
});
