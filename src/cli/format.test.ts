import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../shared/trace/types.js';
import { formatDuration, summarizeEvent, table, uniquePrefixLength } from './format.js';

const ev = (kind: TraceEvent['kind'], payload: unknown): TraceEvent => ({ seq: 0, kind, ts: 0, payload } as TraceEvent);

describe('format', () => {
  it('durations', () => {
    expect([0, 999, 1500, 65_000, 3_726_000].map(formatDuration)).toEqual(['0ms', '999ms', '1.5s', '1m 05s', '1h 02m']);
    expect(formatDuration(undefined)).toBe('-');
  });

  it('unique id prefixes never collide', () => {
    expect(uniquePrefixLength(['aaaaaaaa1', 'bbbbbbbb2'])).toBe(8);
    expect(uniquePrefixLength(['aaaaaaaaa1', 'aaaaaaaaa2'])).toBe(10);
  });

  it('aligns table columns, numbers right', () => {
    expect(table(['A', 'N', 'Z'], [['x', '5', 'end'], ['long', '123', 'e']], [1])).toBe('A       N  Z\nx       5  end\nlong  123  e\n');
  });

  it('summarizes each kind in one line', () => {
    expect(summarizeEvent(ev('console', { stream: 'stderr', text: 'oops\n  more' }))).toBe('stderr: oops more');
    expect(
      summarizeEvent(ev('llm', { provider: 'groq', model: 'llama', stream: true, reply: { role: 'assistant', content: 'hi' }, usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } })),
    ).toBe('groq llama (stream) → hi [3 tok]');
    expect(summarizeEvent(ev('llm', { provider: 'openai', stream: false, reply: { role: 'assistant', content: '', toolCalls: [{ name: 'f', arguments: '{}' }] } }))).toBe('openai → f({})');
    expect(summarizeEvent(ev('llm', { provider: 'openai', stream: false, response: { status: 429, headers: {} } }))).toBe('openai → HTTP 429');
    expect(summarizeEvent(ev('http', { layer: 'http', request: { method: 'GET', url: 'http://x/y', headers: {} }, error: { name: 'E', message: 'refused' } }))).toBe('GET http://x/y → error: refused');
    expect(summarizeEvent(ev('random', { source: 'Math.random', value: 0.5 }))).toBe('Math.random = 0.5');
    expect(summarizeEvent(ev('fs', { op: 'rename', path: '/a', dest: '/b', api: 'sync' }))).toBe('rename /a → /b');
    expect(summarizeEvent(ev('state', { name: 'm', ops: [{ op: 'del', path: ['x'] }] }))).toBe('m: 1 change');
    expect(summarizeEvent(ev('error', { origin: 'uncaughtException', name: 'TypeError', message: 'x is undefined' }))).toBe('uncaughtException: TypeError: x is undefined');
    expect(summarizeEvent(ev('exit', { code: null, signal: 'SIGKILL' }))).toBe('signal SIGKILL');
    expect(summarizeEvent(ev('console', { stream: 'stdout', text: 'x'.repeat(300) }), 10)).toBe('stdout: x…');
    // An unexpected shape falls back to JSON instead of throwing.
    expect(summarizeEvent(ev('http', { weird: true }))).toBe('{"weird":true}');
  });
});
