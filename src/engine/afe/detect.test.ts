/** The pure detection core on hand-made event lists: the tricky shapes a recording can take. */
import { describe, expect, it } from 'vitest';
import type { ErrorPayload, HttpPayload, LlmPayload, StepPayload, TraceEvent } from '../../shared/trace/types.js';
import { detectFailure, type DetectInput, type DetectRunInfo } from './detect.js';
import { accessAt, bindingOf, jsonErrorSnippet, pathSegments } from './valueTrace.js';

const SCRIPT = '/work/app/agent.mjs';
const URL_ = `file://${SCRIPT}`;

function run(over: Partial<DetectRunInfo> = {}): DetectRunInfo {
  return { status: 'failed', exitCode: 1, exitSignal: null, scriptPath: SCRIPT, cwd: '/work/app', ...over };
}

let ts = 1000;
function ev<K extends TraceEvent['kind']>(seq: number, kind: K, payload: unknown, extra: Partial<TraceEvent> = {}): TraceEvent {
  return { seq, kind, ts: ts++, payload: payload as TraceEvent<K>['payload'], ...extra };
}

function llm(seq: number, o: { status?: number; body?: unknown; content?: string; toolCall?: [string, string]; fp?: string; error?: HttpPayload['error']; model?: string }): TraceEvent {
  const p: LlmPayload = {
    layer: 'fetch',
    provider: 'openai',
    model: o.model ?? 'gpt-4o-mini',
    stream: false,
    request: { method: 'POST', url: 'https://api.openai.com/v1/chat/completions', headers: {} },
    durationMs: 120,
  };
  if (o.error) p.error = o.error;
  else {
    p.response = { status: o.status ?? 200, headers: {}, body: { text: JSON.stringify(o.body ?? {}) } };
    if ((o.status ?? 200) < 400) p.reply = { role: 'assistant', content: o.content ?? '', ...(o.toolCall ? { toolCalls: [{ name: o.toolCall[0], arguments: o.toolCall[1] }] } : {}) };
  }
  return ev(seq, 'llm', p, { fingerprint: o.fp ?? `fp-${seq}` });
}

function http(seq: number, url: string, status: number, body: unknown): TraceEvent {
  const p: HttpPayload = { layer: 'fetch', request: { method: 'GET', url, headers: {} }, response: { status, headers: {}, body: { text: JSON.stringify(body) } } };
  return ev(seq, 'http', p, { fingerprint: `fp-${seq}` });
}

function error(seq: number, name: string, message: string, stack: string[], over: Partial<ErrorPayload> = {}): TraceEvent {
  return ev(seq, 'error', { origin: 'unhandledRejection', name, message, stack: [`${name}: ${message}`, ...stack.map((s) => `    at ${s}`)].join('\n'), ...over });
}

const exit = (seq: number, code: number | null, signal: string | null = null): TraceEvent => ev(seq, 'exit', { code, signal });
const stderr = (seq: number, text: string): TraceEvent => ev(seq, 'console', { stream: 'stderr', text });
const detect = (i: Partial<DetectInput> & { events: TraceEvent[] }): ReturnType<typeof detectFailure> => detectFailure({ run: run(), ...i });

describe('detectFailure', () => {
  it('a clean run, and a run whose 429 a retry recovered, are no failure', () => {
    expect(detect({ run: run({ status: 'ok', exitCode: 0 }), events: [llm(2, { content: 'hi' }), exit(3, 0)] })).toBeNull();
    const retried = [llm(2, { status: 429, body: { error: { code: 'rate_limit_exceeded' } }, fp: 'same' }), llm(5, { content: 'ok', fp: 'same' }), exit(6, 0)];
    expect(detect({ run: run({ status: 'ok', exitCode: 0 }), events: retried })).toBeNull();
    expect(detect({ run: run({ status: 'running', exitCode: null }), events: [error(3, 'Error', 'x', [])] })).toBeNull();
  });

  it('an LLM failure the agent swallowed before exiting 0 is still a failure', () => {
    const f = detect({ run: run({ status: 'ok', exitCode: 0 }), events: [llm(2, { status: 503, body: { error: { type: 'server_error', message: 'overloaded' } } }), exit(3, 0)] });
    expect(f).toMatchObject({ class: 'server_error', status: 503, seq: 2, suspects: [{ seq: 2, kind: 'llm' }] });
  });

  it('caught error + exit 1: the failing call, the exit with its stderr, and the user frame from the call stack', () => {
    const source = ['import OpenAI from "openai";', 'const c = new OpenAI();', 'try {', '  await c.chat.completions.create({ model: "m" });', '} catch (e) { console.error(e.message); process.exit(1); }'].join('\n');
    const f = detect({
      run: run({ scriptSource: source }),
      events: [llm(2, { status: 429, body: { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } } }), stderr(4, '429 You exceeded your current quota\n'), exit(5, 1)],
      stacks: { 2: [{ functionName: 'create', url: 'file:///n/node_modules/openai/resources/chat.mjs', line: 3, column: 1 }, { functionName: '', url: URL_, line: 4, column: 17 }] },
    });
    expect(f).toMatchObject({ class: 'quota', status: 429, providerCode: 'insufficient_quota', seq: 2 });
    expect(f?.evidence.map((e) => e.kind)).toEqual(['exit', 'status', 'frame']);
    expect(f?.evidence[0]).toMatchObject({ seq: 5, label: expect.stringMatching(/^exit code 1/), detail: expect.stringContaining('exceeded your current quota') });
    expect(f?.userFrame).toMatchObject({ file: SCRIPT, line: 4, sourceLine: 'await c.chat.completions.create({ model: "m" });' });
    expect(f?.summary).toMatch(/^Quota exhausted: .* in <top level> \(agent\.mjs:4\)\.$/);
  });

  it('an unhandled rejection from reading a field a tool result lacks: missing_context on that result', () => {
    const source = ['const r = await fetch(url);', 'const weather = await r.json();', 'console.log(weather.current.temp_c);'].join('\n');
    const f = detect({
      run: run({ scriptSource: source }),
      events: [
        llm(2, { toolCall: ['get_weather', '{"query":"Atlantis"}'] }),
        http(5, 'http://w/weather?city=Atlantis', 200, { city: 'Atlantis', alerts: [] }),
        error(6, 'TypeError', "Cannot read properties of undefined (reading 'temp_c')", [`${URL_}:3:29`]),
        exit(7, 1),
      ],
    });
    expect(f).toMatchObject({ class: 'missing_context', seq: 6, error: { name: 'TypeError' }, userFrame: { line: 3, sourceLine: 'console.log(weather.current.temp_c);' } });
    expect(f?.suspects[0]).toMatchObject({ seq: 5, kind: 'http' });
    expect(f?.evidence.map((e) => e.kind)).toEqual(['error', 'frame', 'value', 'event']);
    expect(f?.evidence[0].detail).toBe('unhandled rejection');
    expect(f?.evidence[2].label).toContain('no field "current"');
  });

  it('a loop: the same request repeated until the agent gives up; the first repetition is the top suspect', () => {
    const same = { toolCall: ['search', '{"q":"x"}'] as [string, string], fp: 'loop' };
    const f = detect({
      events: [llm(2, same), llm(5, same), llm(8, same), llm(11, same), error(13, 'Error', 'gave up after 4 turns', [`${URL_}:9:11`]), exit(14, 1)],
    });
    expect(f?.class).toBe('loop');
    expect(f?.suspects.map((s) => s.seq)).toEqual([5, 2, 8, 11]);
    expect(f?.summary).toMatch(/sent 4 times \(steps 2, 5, 8, 11\)/);
  });

  it('a loop of identical tool calls over different requests, and two identical requests are not a loop', () => {
    const call = ['search', '{"q":"x"}'] as [string, string];
    const f = detect({ events: [llm(2, { toolCall: call }), llm(5, { toolCall: call }), llm(8, { toolCall: call }), error(9, 'Error', 'budget', [`${URL_}:9:11`])] });
    expect(f?.class).toBe('loop');
    const two = detect({ events: [llm(2, { toolCall: call, fp: 'a' }), llm(5, { toolCall: call, fp: 'a' }), error(9, 'Error', 'budget', [`${URL_}:9:11`])] });
    expect(two?.class).toBe('code_bug');
  });

  it('bad_json: the reply JSON.parse quoted wins over a more recent one', () => {
    const f = detect({
      events: [
        llm(2, { content: 'Sure! Here is the JSON: {"a": 1}' }),
        llm(4, { content: 'Certainly, no JSON here' }),
        error(6, 'SyntaxError', 'Unexpected token \'S\', "Sure! Here"... is not valid JSON', ['JSON.parse (<anonymous>)', `parse (${URL_}:7:20)`]),
      ],
    });
    expect(f).toMatchObject({ class: 'bad_json', userFrame: { functionName: 'parse', line: 7 } });
    expect(f?.suspects.map((s) => s.seq)).toEqual([2, 4]);
  });

  it('code_bug: a read on a computed value is not blamed on a recorded result', () => {
    const source = ['const counts = new Map();', 'const data = await (await fetch(u)).json();', "counts.get('k').push(data.n);"].join('\n');
    const f = detect({
      run: run({ scriptSource: source }),
      events: [http(2, 'http://x/api', 200, { n: 1 }), error(4, 'TypeError', "Cannot read properties of undefined (reading 'push')", [`${URL_}:3:17`])],
    });
    expect(f).toMatchObject({ class: 'code_bug', suspects: [] });
  });

  it('tool_error: the tool event with the same error, then the LLM reply that chose its input', () => {
    const tool: StepPayload = { name: 'calc', input: ['12 / 0'], error: { name: 'RangeError', message: 'div by zero', stack: `RangeError: div by zero\n    at ${URL_}:5:9` } };
    const f = detect({ events: [llm(2, { toolCall: ['calc', '{"query":"12 / 0"}'] }), ev(4, 'tool', tool), error(5, 'RangeError', 'div by zero', [`${URL_}:5:9`])] });
    expect(f).toMatchObject({ class: 'tool_error', suspects: [{ seq: 4, kind: 'tool' }, { seq: 2, kind: 'llm' }], userFrame: { line: 5 } });
  });

  it('network and timeout from the call error code; exit 1 or a signal without evidence is unknown', () => {
    const net = detect({ events: [llm(2, { error: { name: 'TypeError', message: 'fetch failed', code: 'ECONNREFUSED' } }), error(3, 'Error', 'Connection error.', [])] });
    expect(net).toMatchObject({ class: 'network', providerCode: 'ECONNREFUSED' });
    const slow = detect({ events: [llm(2, { error: { name: 'AbortError', message: 'This operation was aborted' } }), error(3, 'Error', 'Request timed out.', [])] });
    expect(slow?.class).toBe('timeout');
    // The abort left no record on the call: it is still open when the client library throws.
    const open = ev(2, 'llm', { layer: 'fetch', provider: 'openai', stream: false, model: 'm', request: { method: 'POST', url: 'https://api.openai.com/v1/chat/completions', headers: {} } });
    const hung = detect({ events: [open, error(4, 'Error', 'Request timed out.', ['OpenAI.makeRequest (file:///n/node_modules/openai/client.mjs:432:23)', `async draft (${URL_}:8:15)`])] });
    expect(hung).toMatchObject({ class: 'timeout', suspects: [{ seq: 2, kind: 'llm' }], userFrame: { functionName: 'draft', line: 8 } });
    expect(hung?.evidence[1].label).toMatch(/^no response to POST \/v1\/chat\/completions/);
    // The same open call is no evidence when user code threw.
    expect(detect({ events: [open, error(4, 'Error', 'bad input', [`draft (${URL_}:8:15)`])] })?.class).toBe('code_bug');
    const quiet = detect({ events: [stderr(2, 'config missing\n'), exit(3, 2)] });
    expect(quiet).toMatchObject({ class: 'unknown', seq: 3, evidence: [{ kind: 'exit', detail: 'stderr: config missing' }] });
    const killed = detect({ run: run({ status: 'crashed', exitCode: null, exitSignal: 'SIGKILL' }), events: [llm(2, { content: 'x' })] });
    expect(killed).toMatchObject({ class: 'unknown', summary: expect.stringContaining('killed by SIGKILL') });
  });
});

describe('provider error bodies', () => {
  const call = (status: number, body: unknown): ReturnType<typeof detectFailure> => detect({ events: [llm(2, { status, body }), error(3, 'Error', `${status}`, [])] });
  it.each([
    [429, { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' } }, 'rate_limit'],
    [529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'server_error'],
    [401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }, 'auth'],
    [404, { type: 'error', error: { type: 'not_found_error', message: 'model: claude-2.0' } }, 'model_not_found'],
    [400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } }, 'context_overflow'],
    [429, { error: { message: 'quota', type: 'insufficient_quota', code: null } }, 'quota'],
    [400, { error: { message: 'Invalid value for temperature', type: 'invalid_request_error', code: 'invalid_value' } }, 'unknown'],
  ])('%i %j → %s', (status, body, cls) => {
    expect(call(status, body)?.class).toBe(cls);
  });
});

describe('value tracing helpers', () => {
  it('paths, accesses, snippets and bindings', () => {
    expect(pathSegments("a.b?.c['d'][0]")).toEqual(['a', 'b', 'c', 'd', '0']);
    expect(pathSegments('counts.get(k)')).toBeNull();
    expect(accessAt('const t = weather.current.temp_c;', 27, 'temp_c')).toMatchObject({ holder: ['weather', 'current'], computed: false });
    expect(accessAt("x = counts.get('k').push(1)", 21, 'push')).toMatchObject({ computed: true });
    expect(jsonErrorSnippet('Unexpected token \'S\', "Sure! Here"... is not valid JSON')).toBe('Sure! Here');
    expect(jsonErrorSnippet('Unexpected end of JSON input')).toBeUndefined();
    expect(bindingOf('const weather = await r.json();', 'weather')).toBe('data');
    expect(bindingOf('const { plan } = JSON.parse(text);', 'plan')).toBe('data');
    expect(bindingOf('const cfg = { retries: 2 };', 'cfg')).toBe('code');
  });
});
