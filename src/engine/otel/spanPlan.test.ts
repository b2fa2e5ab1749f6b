import { describe, expect, it } from 'vitest';
import type { HttpPayload, LlmPayload, StepPayload, TraceEvent } from '../../shared/trace/types.js';
import type { StoredRun } from '../store/storeTypes.js';
import { inputMessages, outputMessages } from './genAiMessages.js';
import { llmAttributes } from './genAiAttributes.js';
import { planSpans, type SpanPlan } from './spanPlan.js';

const T0 = 1_800_000_000_000;

function run(extra: Partial<StoredRun> = {}): StoredRun {
  return {
    id: 'r1', scriptPath: '/p/agent.ts', scriptSha256: 'ab'.repeat(32), argv: [], cwd: '/p', env: {}, nodeVersion: 'v20.1.0', sdkVersion: '0.1.0',
    formatVersion: 1, mode: 'record', keyframeEvery: 10, startedAt: T0, pid: 1, status: 'ok', exitCode: 0, exitSignal: null, endedAt: T0 + 1000,
    steps: 5, llmCalls: 0, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, warnings: [], ...extra,
  };
}

const step = (seq: number, ts: number, p: StepPayload, kind: 'step' | 'tool' = 'step'): TraceEvent => ({ seq, kind, ts, payload: p });
const call = (seq: number, start: number, durationMs: number | undefined, url = 'https://api.example.com/x'): TraceEvent => ({
  seq, kind: 'http', ts: start + 1, payload: { layer: 'fetch', request: { method: 'get', url, headers: {} }, response: { status: 200, headers: {} }, startedAtMs: start, durationMs } as HttpPayload,
});

function plan(events: TraceEvent[], r = run()): Map<string | number, SpanPlan> {
  const spans = planSpans({ run: r, events, ownerOf: () => r.id, bodies: () => ({}) });
  return new Map(spans.map((s) => [s.key, s]));
}

describe('planSpans', () => {
  it('nests calls recorded without parents in the innermost step whose interval holds them', () => {
    const spans = plan([
      step(0, T0 + 100, { name: 'outer', durationMs: 500 }),
      step(1, T0 + 150, { name: 'search', durationMs: 100 }, 'tool'),
      call(2, T0 + 160, 50),
      call(3, T0 + 400, 20),
      call(4, T0 + 700, 20),
    ]);
    expect([spans.get(1)?.parentKey, spans.get(2)?.parentKey, spans.get(3)?.parentKey, spans.get(4)?.parentKey]).toEqual(['run', 1, 0, 'run']);
    expect(spans.get(1)?.name).toBe('execute_tool search');
    expect(spans.get(2)).toMatchObject({ name: 'GET', kind: 'client', startMs: T0 + 160, endMs: T0 + 210 });
    expect(spans.get(2)?.attributes).toMatchObject({ 'http.request.method': 'GET', 'server.address': 'api.example.com', 'server.port': 443, 'http.response.status_code': 200 });
  });

  it('trusts recorded parents: a call without one is at the top even inside a concurrent step interval', () => {
    const withParent = { ...call(2, T0 + 160, 50), parentSeq: 0 };
    const spans = plan([step(0, T0 + 100, { name: 'a', durationMs: 500 }), withParent, call(3, T0 + 200, 10)]);
    expect([spans.get(2)?.parentKey, spans.get(3)?.parentKey]).toEqual([0, 'run']);
  });

  it('a crashed run: unfinished steps end with the run and say so; the root is ERROR with the exit code', () => {
    const spans = plan([step(0, T0 + 100, { name: 'work' }), call(1, T0 + 200, undefined)], run({ status: 'crashed', exitCode: null, exitSignal: 'SIGKILL', endedAt: T0 + 900 }));
    expect(spans.get(0)).toMatchObject({ endMs: T0 + 900, attributes: { 'agenttrace.incomplete': true } });
    expect(spans.get(1)?.endMs).toBe(T0 + 900);
    expect(spans.get('run')?.status).toEqual({ code: 'error', message: 'run crashed' });
    expect(spans.get('run')?.attributes).toMatchObject({ 'error.type': 'crashed', 'agenttrace.run.exit_signal': 'SIGKILL' });
  });

  it('a network failure is status ERROR with error.type from its code and an exception event', () => {
    const ev = call(0, T0 + 10, 5);
    const p = ev.payload as HttpPayload;
    delete p.response;
    p.error = { name: 'TypeError', message: 'fetch failed', code: 'ECONNREFUSED' };
    const span = plan([ev]).get(0) as SpanPlan;
    expect(span.status).toEqual({ code: 'error', message: 'fetch failed' });
    expect(span.attributes['error.type']).toBe('ECONNREFUSED');
    expect(span.events.map((e) => e.attributes['exception.type'])).toEqual(['TypeError']);
  });
});

describe('GenAI messages and attributes', () => {
  it('maps chat tool calls and tool results, Anthropic blocks and Responses items to parts', () => {
    expect(
      inputMessages([
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '{"t":3}' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'calc', input: { x: 1 } }] },
        { type: 'function_call_output', call_id: 'c2', output: 'ok' },
      ]),
    ).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'weather?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'weather', arguments: { city: 'Oslo' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: '{"t":3}' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 't1', name: 'calc', arguments: { x: 1 } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c2', response: 'ok' }] },
    ]);
    expect(outputMessages({ role: 'assistant', content: '', toolCalls: [{ id: 'c9', name: 'f', arguments: 'not json' }] }, 'tool_calls')).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c9', name: 'f', arguments: 'not json' }], finish_reason: 'tool_call' },
    ]);
  });

  it('Anthropic: the system prompt is gen_ai.system_instructions; stop sequences and top_k from the request body', () => {
    const p = { layer: 'fetch', request: { method: 'POST', url: 'https://api.anthropic.com/v1/messages', headers: {} }, provider: 'anthropic', model: 'claude-x', stream: false, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }], reply: { role: 'assistant', content: 'hello' }, finishReason: 'end_turn', usage: { promptTokens: 5, completionTokens: 2, totalTokens: 7 } } as LlmPayload;
    const a = llmAttributes(p, { request: JSON.stringify({ model: 'claude-x', max_tokens: 100, top_k: 5, stop_sequences: ['END'] }), response: JSON.stringify({ id: 'msg_1', model: 'claude-x-2025', type: 'message' }) });
    expect(a).toMatchObject({ 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.max_tokens': 100, 'gen_ai.request.top_k': 5, 'gen_ai.request.stop_sequences': ['END'], 'gen_ai.response.model': 'claude-x-2025', 'gen_ai.response.id': 'msg_1', 'gen_ai.response.finish_reasons': ['end_turn'] });
    expect(JSON.parse(a['gen_ai.system_instructions'] as string)).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(JSON.parse(a['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    expect(JSON.parse(a['gen_ai.output.messages'] as string)[0].finish_reason).toBe('stop');
  });
});
