/**
 * Corrections for counterfactual replay: for each class, the payload is accepted by the real normalizeOverride for
 * the event's kind, and applied with the real applyOverride it gives the corrected result (a 200 reply, valid JSON,
 * the missing field, a reshaped value, a reply that ends the loop).
 */
import { describe, expect, it } from 'vitest';
import { llmResponseInfo } from '../../shared/trace/llm.js';
import { applyOverride, normalizeOverride } from '../../shared/trace/overrides.js';
import type { Body, HttpPayload, LlmPayload, TraceEvent } from '../../shared/trace/types.js';
import { correctionFor, type Correction } from './corrections.js';
import { failure } from '../../../test/helpers/heuristicsFixtures.js';

const bodyText = (b: Body): string | undefined => ('text' in b ? b.text : undefined);

function chat(seq: number, opts: { status?: number; content?: string; toolCalls?: { name: string; arguments: string }[] } = {}): TraceEvent<'llm'> {
  const status = opts.status ?? 200;
  const ok = status < 300;
  const body = ok
    ? JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'llama-3.3-70b-versatile', choices: [{ index: 0, message: { role: 'assistant', content: opts.content ?? '' }, finish_reason: 'stop' }] })
    : JSON.stringify({ error: { message: 'Rate limit reached', type: 'tokens', code: 'rate_limit_exceeded' } });
  const payload: LlmPayload = {
    layer: 'fetch',
    provider: 'groq',
    stream: false,
    model: 'llama-3.3-70b-versatile',
    request: { method: 'POST', url: 'https://api.groq.com/openai/v1/chat/completions', headers: {}, body: { text: '{}' } },
    response: { status, headers: { 'content-type': 'application/json' }, body: { text: body } },
  };
  if (ok) payload.reply = { role: 'assistant', content: opts.content ?? '', ...(opts.toolCalls ? { toolCalls: opts.toolCalls } : {}) };
  return { seq, kind: 'llm', ts: 1, payload, fingerprint: 'fp' };
}

function http(seq: number, body: string, status = 200): TraceEvent<'http'> {
  return { seq, kind: 'http', ts: 1, payload: { layer: 'fetch', request: { method: 'GET', url: 'https://wx.example/api?q=Paris', headers: {} }, response: { status, headers: { 'content-type': 'application/json' }, body: { text: body } } }, fingerprint: 'h' };
}

/** Applies the correction through the real override code; returns the corrected event's reply text or body. */
function applied(ev: TraceEvent, c: Correction | null): { status: number; text: string; reply?: LlmPayload['reply'] } {
  expect(c).not.toBeNull();
  const o = normalizeOverride(ev, c!.payload);
  const out = applyOverride(ev, o, { bodyText }).payload as LlmPayload & HttpPayload;
  const text = (out.response?.body as { text: string }).text;
  if (ev.kind === 'llm') {
    // What the agent's client parses from the served body is the corrected reply (ids are added for tool calls).
    const served = llmResponseInfo('chat-completions', out.response!.status, 'application/json', text).reply;
    expect(served?.content).toBe(out.reply?.content);
    expect(served?.toolCalls?.map((t) => [t.name, t.arguments])).toEqual(out.reply?.toolCalls?.map((t) => [t.name, t.arguments]));
  }
  return { status: out.response!.status, text, reply: out.reply };
}

describe('provider errors → a successful reply', () => {
  const failing = chat(5, { status: 429 });
  it('takes the reply of the same request recorded in another run (tool calls kept)', () => {
    const other = chat(5, { content: '', toolCalls: [{ name: 'search', arguments: '{"q":"x"}' }] });
    const c = correctionFor(failure('rate_limit', { status: 429 }), failing, { otherEvents: [chat(5, { status: 500 }), other] });
    expect(c?.description).toBe('error → 200 with the reply recorded for the same request in another run (5)');
    const r = applied(failing, c);
    expect(r.status).toBe(200);
    expect(r.reply).toEqual({ role: 'assistant', content: '', toolCalls: [{ name: 'search', arguments: '{"q":"x"}' }] });
  });
  it('else the last successful reply of this run before the event, else a neutral text', () => {
    const run = [chat(1, { content: 'first' }), chat(3, { content: 'second' }), failing, chat(7, { content: 'later' })];
    for (const cls of ['server_error', 'quota', 'auth', 'model_not_found', 'context_overflow', 'timeout', 'network'] as const) {
      const c = correctionFor(failure(cls), failing, { runEvents: run });
      expect(c?.description).toBe("error → 200 with the run's last successful reply (step 3)");
      expect(applied(failing, c).reply?.content).toBe('second');
    }
    const c = correctionFor(failure('rate_limit'), failing);
    expect(applied(failing, c)).toMatchObject({ status: 200, reply: { content: 'OK.' } });
  });
  it('an HTTP error takes the body recorded for the same request elsewhere; none: no correction', () => {
    const failingHttp = http(2, 'upstream down', 503);
    const c = correctionFor(failure('server_error'), failingHttp, { otherEvents: [http(2, '{"current":{"temp":280}}')] });
    expect(c?.payload).toEqual({ status: 200, body: { current: { temp: 280 } } });
    expect(applied(failingHttp, c).status).toBe(200);
    expect(correctionFor(failure('server_error'), failingHttp, {})).toBeNull();
  });
});

describe('bad_json', () => {
  it('fenced or wrapped JSON in a reply becomes the JSON itself', () => {
    const ev = chat(2, { content: 'Sure! Here is the plan:\n```json\n{"steps": ["a", "b"]}\n```\nAnything else?' });
    const c = correctionFor(failure('bad_json'), ev);
    expect(c?.description).toBe('reply content → the valid JSON extracted from it');
    expect(JSON.parse(applied(ev, c).reply!.content)).toEqual({ steps: ['a', 'b'] });
    const prose = chat(2, { content: 'Note [1]: the answer is {"ok": true, "items": [1, 2]} as asked.' });
    expect(correctionFor(failure('bad_json'), prose)?.payload).toEqual({ content: '{"ok": true, "items": [1, 2]}' });
  });
  it('truncated or absent JSON, or a reply that already parses: no correction', () => {
    expect(correctionFor(failure('bad_json'), chat(2, { content: '{"steps": ["a", ' }))).toBeNull();
    expect(correctionFor(failure('bad_json'), chat(2, { content: 'I cannot help with that.' }))).toBeNull();
    expect(correctionFor(failure('bad_json'), chat(2, { content: '{"a":1}' }))).toBeNull();
  });
  it('tool-call arguments and HTTP bodies too', () => {
    const ev = chat(2, { content: '', toolCalls: [{ name: 'f', arguments: '```json\n{"x": 1}\n```' }] });
    expect(applied(ev, correctionFor(failure('bad_json'), ev)).reply?.toolCalls).toEqual([{ name: 'f', arguments: '{"x": 1}' }]);
    const h = http(4, 'callback({"temp": 3})');
    const c = correctionFor(failure('bad_json'), h);
    expect(c?.payload).toEqual({ status: 200, body: { temp: 3 } });
    expect(applied(h, c).text).toBe('{"temp":3}');
  });
});

describe('schema_mismatch', () => {
  it('.map on a string field → wrapped in an array (path from the error, root found in the reply)', () => {
    const ev = chat(2, { content: '{"plan": {"steps": "buy milk"}}' });
    const f = failure('schema_mismatch', { error: ['TypeError', 'data.plan.steps.map is not a function'], frame: { file: '/a.mjs', line: 3 } });
    const c = correctionFor(f, ev);
    expect(c?.description).toBe('plan.steps → an array, as .map() at the failing line expects');
    expect(JSON.parse(applied(ev, c).reply!.content)).toEqual({ plan: { steps: ['buy milk'] } });
  });
  it('from the source line when the message names no path (or none); a string method on an array joins it', () => {
    const ev = chat(2, { content: '{"title": ["a", "b"]}' });
    const f = failure('schema_mismatch', { error: ['TypeError', '(intermediate value).toUpperCase is not a function'], frame: { file: '/a.mjs', line: 2 } });
    const files = [{ path: '/a.mjs', text: 'const out = JSON.parse(r);\nconsole.log(out.title.toUpperCase());\n' }];
    expect(correctionFor(f, ev, { files })?.description).toBe('title → a string, as .toUpperCase() at the failing line expects');
    const f2 = failure('schema_mismatch', { error: ['TypeError', 'out.title.toUpperCase is not a function'], frame: { file: '/a.mjs', line: 2 } });
    expect(correctionFor(f2, ev, { files })?.payload).toEqual({ content: '{"title":"a, b"}' });
    const f3 = failure('schema_mismatch', { frame: { file: '/a.mjs', line: 2 } });
    expect(correctionFor(f3, ev, { files })?.payload).toEqual({ content: '{"title":"a, b"}' });
  });
  it('nothing to infer: null', () => {
    expect(correctionFor(failure('schema_mismatch', { error: ['TypeError', 'x.foo is not a function'] }), chat(2, { content: '{"x": 1}' }))).toBeNull();
  });
});

describe('missing_context', () => {
  const err: [string, string] = ['TypeError', "Cannot read properties of undefined (reading 'temp')"];
  it('adds the missing object with a numeric leaf for arithmetic (property from the TypeError, path from the line)', () => {
    const ev = http(4, '{"city": "Paris", "alerts": []}');
    const f = failure('missing_context', { error: err, frame: { file: '/w.mjs', line: 1, sourceLine: 'const celsius = data.current.temp - 273.15;' } });
    const c = correctionFor(f, ev);
    expect(c?.description).toBe('current added to the response body (a placeholder: {"temp":0})');
    expect(JSON.parse(applied(ev, c).text)).toEqual({ city: 'Paris', alerts: [], current: { temp: 0 } });
  });
  it('takes the value from another recorded run of the same request when it has it', () => {
    const ev = http(4, '{"city": "Paris"}');
    const f = failure('missing_context', { error: err, frame: { file: '/w.mjs', line: 1 } });
    const files = [{ path: '/w.mjs', text: 'console.log(`Temp: ${res.body.current.temp}`);' }];
    const c = correctionFor(f, ev, { files, otherEvents: [http(4, '{"city": "Paris", "current": {"temp": 281.5, "wind": 3}}')] });
    expect(c?.payload).toEqual({ status: 200, body: { city: 'Paris', current: { temp: 281.5, wind: 3 } } });
    expect(c?.description).toMatch(/another run/);
  });
  it('a string placeholder otherwise; nested chains become objects; LLM JSON replies too', () => {
    const ev = chat(3, { content: '{"user": {}}' });
    const f = failure('missing_context', { error: ['TypeError', "Cannot read properties of undefined (reading 'city')"], frame: { file: '/w.mjs', line: 1, sourceLine: 'greet(out.user.address.city.name);' } });
    expect(JSON.parse(applied(ev, correctionFor(f, ev)).reply!.content)).toEqual({ user: { address: { city: { name: 'unknown' } } } });
  });
  it('tool annotations are not inputs: no correction', () => {
    const tool: TraceEvent = { seq: 4, kind: 'tool', ts: 1, payload: { name: 'weather' } };
    expect(correctionFor(failure('missing_context', { error: err }), tool)).toBeNull();
  });
});

describe('loop', () => {
  const repeated = chat(9, { content: '', toolCalls: [{ name: 'search', arguments: '{"q":"same"}' }] });
  it('a content sentinel in the loop condition', () => {
    const files = [{ path: '/l.mjs', text: "while (true) {\n  const r = await ask();\n  if (r.choices[0].message.content.includes('DONE')) break;\n}\n" }];
    const c = correctionFor(failure('loop'), repeated, { files });
    expect(c?.description).toBe('repeated reply → "DONE", which the loop\'s exit condition looks for');
    expect(applied(repeated, c).reply).toEqual({ role: 'assistant', content: 'DONE' });
  });
  it('a loop that ends when there are no tool calls gets a plain final answer', () => {
    const files = [{ path: '/l.mjs', text: 'while (true) {\n  const msg = (await ask()).choices[0].message;\n  if (!msg.tool_calls) break;\n}\n' }];
    const r = applied(repeated, correctionFor(failure('loop'), repeated, { files }));
    expect(r.reply).toEqual({ role: 'assistant', content: 'Done.' });
  });
  it('no readable exit condition: null; other classes have no correction', () => {
    expect(correctionFor(failure('loop'), repeated, { files: [{ path: '/l.mjs', text: 'for (;;) await ask();' }] })).toBeNull();
    expect(correctionFor(failure('tool_error'), repeated)).toBeNull();
    expect(correctionFor(failure('code_bug'), repeated)).toBeNull();
    expect(correctionFor(failure('rate_limit'), { seq: 1, kind: 'random', ts: 1, payload: { source: 'Math.random', value: 0.5 } })).toBeNull();
  });
});
