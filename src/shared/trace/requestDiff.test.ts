import { describe, expect, it } from 'vitest';
import { bodyValue, diffRequests, type DiffableRequest } from './requestDiff.js';

const chat = (content: string, extra: Record<string, unknown> = {}): DiffableRequest => ({
  method: 'POST',
  url: 'http://127.0.0.1:1234/v1/chat/completions',
  headers: { 'content-type': 'application/json', 'user-agent': 'OpenAI/JS 6' },
  body: { text: JSON.stringify({ model: 'gpt-mock', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content }], ...extra }) },
});

describe('diffRequests', () => {
  it('finds no difference between equal requests (key order does not matter)', () => {
    const a = chat('hi');
    const b: DiffableRequest = { ...a, body: { text: JSON.stringify({ messages: [{ content: 'be brief', role: 'system' }, { content: 'hi', role: 'user' }], model: 'gpt-mock' }) } };
    expect(diffRequests(a, b)).toEqual({ diff: [], omitted: 0 });
  });

  it('names the changed message content with a dotted path', () => {
    const { diff } = diffRequests(chat('hello world'), chat('hello there'));
    expect(diff).toEqual([{ path: 'body.messages.1.content', expected: 'hello world', actual: 'hello there' }]);
  });

  it('reports added and removed fields, array length changes, method and url', () => {
    const e = chat('x', { temperature: 0.2 });
    const a: DiffableRequest = { ...chat('x', { stream: true }), method: 'PUT', url: 'http://127.0.0.1:1234/v1/other' };
    const { diff } = diffRequests(e, a);
    expect(diff).toEqual([
      { path: 'method', expected: 'POST', actual: 'PUT' },
      { path: 'url', expected: e.url, actual: a.url },
      { path: 'body.stream', actual: true },
      { path: 'body.temperature', expected: 0.2 },
    ]);
    const longer: DiffableRequest = { ...e, body: { text: JSON.stringify({ model: 'gpt-mock', messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }) } };
    const shorter: DiffableRequest = { ...e, body: { text: JSON.stringify({ model: 'gpt-mock', messages: [{ role: 'user', content: 'a' }] }) } };
    expect(diffRequests(longer, shorter).diff).toEqual([{ path: 'body.messages.1', expected: { role: 'user', content: 'b' } }]);
  });

  it('compares headers only when asked, case-insensitively', () => {
    const a = chat('x');
    const b: DiffableRequest = { ...a, headers: { 'Content-Type': 'application/json', 'user-agent': 'OpenAI/JS 7' } };
    expect(diffRequests(a, b).diff).toEqual([]);
    expect(diffRequests(a, b, { headers: true }).diff).toEqual([{ path: 'headers.user-agent', expected: 'OpenAI/JS 6', actual: 'OpenAI/JS 7' }]);
  });

  it('compares non-JSON and blob bodies as a whole, and a type change at one path as one entry', () => {
    const base = { method: 'POST', url: 'http://h/x' };
    expect(diffRequests({ ...base, body: { text: 'plain a' } }, { ...base, body: { text: 'plain b' } }).diff).toEqual([{ path: 'body', expected: 'plain a', actual: 'plain b' }]);
    const blob = (h: string): DiffableRequest => ({ ...base, body: { blob: h, size: 3, encoding: 'binary' } });
    expect(diffRequests(blob('aa'), blob('bb')).diff).toEqual([{ path: 'body', expected: 'blob:aa', actual: 'blob:bb' }]);
    expect(diffRequests({ ...base, body: { text: '{"a":{"b":1}}' } }, { ...base, body: { text: '{"a":[1]}' } }).diff).toEqual([{ path: 'body.a', expected: { b: 1 }, actual: [1] }]);
    expect(diffRequests({ ...base }, { ...base, body: { text: '{"a":1}' } }).diff).toEqual([{ path: 'body', actual: { a: 1 } }]);
  });

  it('is bounded: a limit on entries and shortened long strings', () => {
    const many = (v: number): DiffableRequest => ({ method: 'POST', url: 'u', body: { text: JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${String(i).padStart(2, '0')}`, v]))) } });
    const r = diffRequests(many(1), many(2), { limit: 5 });
    expect(r.diff.map((d) => d.path)).toEqual(['body.k00', 'body.k01', 'body.k02', 'body.k03', 'body.k04']);
    expect(r.omitted).toBe(45);
    const long = 'x'.repeat(1000);
    const d = diffRequests(chat(long), chat(long + 'y')).diff[0];
    expect(d.path).toBe('body.messages.1.content');
    expect(String(d.expected)).toMatch(/^x{200}… \(1000 chars\)$/);
    expect(String(d.actual)).toContain('(1001 chars)');
  });

  it('bodyValue parses inline JSON, keeps text, marks blobs', () => {
    expect(bodyValue({ text: '[1,2]' })).toEqual([1, 2]);
    expect(bodyValue({ text: 'hi' })).toBe('hi');
    expect(bodyValue({ blob: 'ab', size: 1, encoding: 'utf8' })).toBe('blob:ab');
    expect(bodyValue(undefined)).toBeUndefined();
  });
});
