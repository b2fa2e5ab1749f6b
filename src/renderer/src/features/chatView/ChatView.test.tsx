// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventDetail } from '../../../../shared/rpc/contract';
import type { Json, LlmPayload } from '../../../../shared/trace/types';
import { ChatView } from './ChatView';
import { clampText } from './ClampedText';
import { foldOf } from './Conversation';

afterEach(cleanup);

function detail(p: Partial<LlmPayload>, request?: Json, responseText?: string): EventDetail {
  const payload: LlmPayload = {
    layer: 'fetch',
    provider: 'openai',
    model: 'gpt-4o-mini',
    stream: false,
    request: { method: 'POST', url: 'http://127.0.0.1:1234/v1/chat/completions', headers: {} },
    response: { status: 200, headers: { 'content-type': 'application/json' } },
    ...p,
  };
  const bodies: EventDetail['bodies'] = {};
  if (request !== undefined) bodies.request = { text: JSON.stringify(request), size: 10 };
  if (responseText !== undefined) bodies.response = { text: responseText, size: responseText.length };
  return { runId: 'r1', event: { seq: 7, kind: 'llm', ts: 0, payload }, bodies };
}

/** A long tool-using conversation: system, user, then 20 rounds of assistant tool call + tool result. */
function longConversation(): Json[] {
  const msgs: Json[] = [
    { role: 'system', content: 'You are a careful travel agent.\nAlways check the weather.' },
    { role: 'user', content: 'Plan my trip' },
  ];
  for (let i = 0; i < 20; i++) {
    msgs.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'weather', arguments: `{"city":"C${i}"}` } }] });
    msgs.push({ role: 'tool', tool_call_id: `call_${i}`, content: `sunny in C${i}` });
  }
  return msgs;
}

describe('ChatView', () => {
  it('puts the reply first with its tool call as name and pretty arguments, linked to the tool step and the result', () => {
    const onSelectStep = vi.fn();
    const d = detail(
      { messages: [{ role: 'user', content: 'weather?' }], reply: { role: 'assistant', content: '', toolCalls: [{ id: 'call_9', name: 'weather', arguments: '{"city":"Quito"}' }] }, finishReason: 'tool_calls' },
      { model: 'gpt-4o-mini', temperature: 0.3, max_tokens: 64, tool_choice: 'auto', messages: [], tools: [{ type: 'function', function: { name: 'weather', description: 'Current weather', parameters: { type: 'object' } } }] },
    );
    render(<ChatView detail={d} links={{ status: 'ready', value: [{ call: 0, step: { seq: 9, via: 'tool' }, result: { seq: 12, messageIndex: 2, text: '14°C, cloudy' } }] }} onSelectStep={onSelectStep} />);
    const reply = screen.getByTestId('llm-reply');
    const sections = Array.from(document.querySelectorAll('.chat-view > section'));
    expect(sections[0]).toBe(reply);
    const card = within(reply).getByTestId('tool-call');
    expect(within(card).getByText('weather')).toBeTruthy();
    expect(within(card).getByLabelText('Arguments of weather').textContent).toBe('{\n  "city": "Quito"\n}');
    fireEvent.click(within(card).getByTestId('tool-step-link'));
    expect(onSelectStep).toHaveBeenLastCalledWith(9);
    fireEvent.click(within(card).getByTestId('tool-result-link'));
    expect(onSelectStep).toHaveBeenLastCalledWith(12);
    expect(within(card).getByText('14°C, cloudy')).toBeTruthy();
    const params = screen.getByTestId('llm-params');
    expect(params.textContent).toContain('temperature0.3');
    expect(params.textContent).toContain('max_tokens64');
    expect(params.textContent).toContain('tool_choiceauto');
    expect(screen.getByText(/1 tool offered/).textContent).toContain('weather');
  });

  it('shows a 429 as an error with the provider message and retry-after, and no streamed chunks', () => {
    const d = detail(
      { stream: true, response: { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '20' }, chunks: [{ t: 3, data: '{"error":{}}' }] } },
      { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] },
      JSON.stringify({ error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }),
    );
    render(<ChatView detail={d} />);
    const err = screen.getByTestId('llm-error');
    expect(err.textContent).toContain('HTTP 429');
    expect(screen.getByTestId('llm-error-message').textContent).toBe('Rate limit reached for requests');
    expect(screen.getByTestId('llm-retry-after').textContent).toBe('20 s');
    expect(document.body.textContent).not.toContain('no reply parsed');
    fireEvent.click(screen.getByTestId('llm-raw-toggle'));
    expect(screen.queryByTestId('llm-chunks')).toBeNull();
    expect(screen.getByText('Response body')).toBeTruthy();
  });

  it('shows streamed chunks for a real event stream, behind the raw toggle', () => {
    const chunks = [
      { t: 1, data: 'data: {"choices":[]}\n\n' },
      { t: 2, data: 'data: [DONE]\n\n' },
    ];
    render(<ChatView detail={detail({ stream: true, reply: { role: 'assistant', content: 'hi' }, response: { status: 200, headers: { 'content-type': 'text/event-stream' }, chunks } })} />);
    expect(screen.getByTestId('llm-facts').textContent).toContain('streamed (2 chunks)');
    expect(screen.queryByTestId('llm-chunks')).toBeNull();
    fireEvent.click(screen.getByTestId('llm-raw-toggle'));
    expect(screen.getByText('Streamed chunks (2)')).toBeTruthy();
  });

  it('keeps a 42-message conversation short: system folded, middle folded, results linked to their calls', () => {
    const msgs = longConversation();
    render(<ChatView detail={detail({ messages: msgs, reply: { role: 'assistant', content: 'Done.' } })} />);
    const shown = screen.getAllByTestId('chat-message');
    // system + first user + last 6.
    expect(shown).toHaveLength(8);
    const system = shown[0].querySelector('details');
    expect(system?.open).toBe(false);
    expect(system?.querySelector('summary')?.textContent).toContain('You are a careful travel agent.');
    const fold = screen.getByRole('button', { name: 'Show 34 earlier messages' });
    expect(fold.parentElement?.textContent).toContain('17 assistant (17 tool calls), 17 tool');
    // The last tool result links back to its call, the call forward to its result.
    const last = shown[shown.length - 1];
    expect(last.textContent).toContain('result of call_19');
    fireEvent.click(within(last).getByRole('button', { name: '(call in message 41)' }));
    expect(document.activeElement?.id).toBe('chat-msg-40');
    fireEvent.click(within(shown[2]).getByRole('button', { name: 'result: message 38' }));
    expect(document.activeElement?.id).toBe('chat-msg-37');
    fireEvent.click(fold);
    expect(screen.getAllByTestId('chat-message')).toHaveLength(42);
  });

  it('unfolds the middle when a link points into it', () => {
    const calls = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, type: 'function', function: { name: 'lookup', arguments: '{}' } }));
    const msgs: Json[] = [{ role: 'user', content: 'go' }, { role: 'assistant', content: null, tool_calls: calls }, ...calls.map((c) => ({ role: 'tool', tool_call_id: c.id, content: 'r' }))];
    render(<ChatView detail={detail({ messages: msgs, reply: { role: 'assistant', content: 'ok' } })} />);
    expect(document.getElementById('chat-msg-1')).toBeNull();
    const last = screen.getAllByTestId('chat-message').pop() as HTMLElement;
    fireEvent.click(within(last).getByRole('button', { name: '(call in message 2)' }));
    expect(screen.getAllByTestId('chat-message')).toHaveLength(14);
    expect(document.activeElement?.id).toBe('chat-msg-1');
  });

  it('clamps a long message with "Show more"', () => {
    const long = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    render(<ChatView detail={detail({ messages: [{ role: 'user', content: long }], reply: { role: 'assistant', content: 'ok' } })} />);
    const msg = screen.getByTestId('chat-message');
    expect(msg.textContent).not.toContain('line 29');
    fireEvent.click(within(msg).getByRole('button', { name: /Show more/ }));
    expect(msg.textContent).toContain('line 29');
  });
});

describe('clampText and foldOf', () => {
  it('cuts at the line or character limit, whichever comes first', () => {
    expect(clampText('a\nb\nc', 600, 2)).toEqual({ shown: 'a\nb', hidden: 2 });
    expect(clampText('x'.repeat(10), 4, 10)).toEqual({ shown: 'xxxx', hidden: 6 });
    expect(clampText('short')).toEqual({ shown: 'short', hidden: 0 });
  });

  it('folds only conversations longer than 12 messages', () => {
    const m = (role: string, index: number) => ({ role, index, text: '', toolCalls: [], attachments: [] });
    expect(foldOf(Array.from({ length: 12 }, (_, i) => m('user', i)))).toBeNull();
    expect(foldOf([m('system', 0), m('developer', 1), m('user', 2), ...Array.from({ length: 20 }, (_, i) => m('assistant', i + 3))])).toEqual({ head: 3, tail: 17 });
  });
});
