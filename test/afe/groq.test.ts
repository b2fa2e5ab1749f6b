/**
 * The AFE's AI path through its real boundary: the real groq-sdk client against a Groq-compatible mock on 127.0.0.1.
 * Good answers become checked candidates with full file texts; every Groq problem becomes one line and ok:false; and
 * neither the key nor any planted secret leaves the machine in a prompt or comes back in a result.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { aiSuggest, DEFAULT_GROQ_MODEL, GROQ_MODELS, NO_KEY_NOTE, testGroqKey, type AiSuggestResult } from '../../src/engine/afe/groq.js';
import { useGroqMock } from '../mock/groqMock.js';
import { AGENT, AGENT_TEXT, CONFIG, EVENT_SECRETS, fixtureInput, GROQ_KEY, HOST_ENV, SOURCE_SECRETS } from './groqFixture.js';

const mock = useGroqMock();
beforeEach(() => mock.reset());

const suggest = (extra: Parameters<typeof aiSuggest>[1] = {}): Promise<AiSuggestResult> =>
  aiSuggest(fixtureInput(), { apiKey: GROQ_KEY, baseURL: mock.url, env: HOST_ENV, ...extra });

const note = (r: AiSuggestResult): string => {
  if (r.ok) throw new Error('expected ok:false');
  expect(r.note).not.toContain('\n');
  expect(r.note).not.toContain(GROQ_KEY);
  return r.note;
};

const count = (hay: string, needle: string): number => hay.split(needle).length - 1;

describe('aiSuggest against a Groq-compatible mock', () => {
  it('turns a good answer into candidates with full new file texts', async () => {
    const r = await suggest();
    if (!r.ok) throw new Error(r.note);
    expect(r.model).toBe(DEFAULT_GROQ_MODEL);
    expect(r.explanation).toContain('bad_json');
    expect(r.candidates.map((c) => [c.strategy, c.title])).toEqual([
      ['code_patch', 'Guard the failing call'],
      ['config_change', 'Read the key once'],
    ]);
    expect(r.candidates[0].files).toEqual([{ path: AGENT, after: `// agenttrace-mock: guard for bad_json\n${AGENT_TEXT}` }]);
    // The model saw `apiKey: '***'`; the patch keeps the user's real literal instead of writing the placeholder.
    const keyLine = "const client = new Groq({ apiKey: 'gsk_PLANTEDsourceKEY0123456789' });";
    expect(r.candidates[1].files).toEqual([{ path: AGENT, after: AGENT_TEXT.replace(keyLine, `${keyLine} // agenttrace-mock: reviewed`) }]);
    expect(r.notes).toEqual([]);

    expect(mock.requests).toHaveLength(1);
    const req = mock.requests[0];
    expect([req.method, req.path]).toEqual(['POST', '/openai/v1/chat/completions']);
    expect(req.body).toMatchObject({ model: DEFAULT_GROQ_MODEL, response_format: { type: 'json_object' }, temperature: 0, max_tokens: 4096 });
    expect(req.body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
  });

  it('sends the class, error, user frames, numbered excerpts, masked files and the decisive event', async () => {
    await suggest();
    const prompt: string = mock.requests[0].body.messages[1].content;
    expect(prompt).toContain('class: bad_json');
    expect(prompt).toContain('error: SyntaxError: Unexpected token \'S\', "Sure! Here"... is not valid JSON');
    expect(prompt).toContain('status: confirmed by replay');
    expect(prompt).toContain('at main (agent.mjs:12:21)');
    expect(prompt).toContain('at <anonymous> (agent.mjs:16:1)');
    expect(prompt).not.toContain('node:internal');
    expect(prompt).toContain('> 12 |   const data = JSON.parse(res.choices[0].message.content);');
    expect(prompt).toContain('FILE agent.mjs\n```js\nimport Groq');
    expect(prompt).toContain('FILE lib/config.mjs');
    expect(prompt).toContain("const client = new Groq({ apiKey: '***' });");
    expect(prompt).toContain("Authorization: '***'");
    expect(prompt).toContain("DB_PASSWORD = '***'");
    expect(prompt).toContain('# Decisive event: step #4 (llm)');
    expect(prompt).toContain('reply (assistant): Sure! Here is the weather: {"temp": 21}');
    expect(prompt).toContain('api_key=***');
    // The frame's file comes first even though it is listed first anyway; the config file is given in full too.
    expect(prompt.indexOf('FILE agent.mjs')).toBeLessThan(prompt.indexOf('FILE lib/config.mjs'));
  });

  it('never lets the key or a planted secret out: every byte sent, every returned value, every note', async () => {
    const results: unknown[] = [];
    for (const mode of ['good', 'mixed', 'unauthorized', 'forbidden', 'malformed'] as const) {
      mock.mode = mode;
      results.push(await suggest());
    }
    results.push(await aiSuggest(fixtureInput(), { baseURL: mock.url, env: { ...HOST_ENV, GROQ_API_KEY: GROQ_KEY } }));
    results.push(await testGroqKey({ apiKey: GROQ_KEY, baseURL: mock.url }));
    expect(mock.requests.length).toBeGreaterThanOrEqual(7);
    for (const req of mock.requests) {
      // The key travels in exactly one place: the Authorization header groq-sdk sends to Groq.
      expect(count(req.raw, GROQ_KEY)).toBe(1);
      expect(req.headers.authorization).toBe(`Bearer ${GROQ_KEY}`);
      for (const s of [...SOURCE_SECRETS, ...EVENT_SECRETS]) expect(req.raw, s).not.toContain(s);
    }
    for (const r of results) {
      const text = JSON.stringify(r);
      expect(text).not.toContain(GROQ_KEY);
      for (const s of EVENT_SECRETS) expect(text, s).not.toContain(s);
    }
    // Source secrets come back only inside the patched files, exactly as often as the user's files hold them.
    for (const r of results as AiSuggestResult[]) {
      if (!r.ok) continue;
      const { candidates, ...rest } = r;
      const meta = JSON.stringify({ rest, c: candidates.map((c) => [c.title, c.rationale]) });
      for (const s of SOURCE_SECRETS) expect(meta, s).not.toContain(s);
      for (const c of candidates) for (const f of c.files) for (const s of SOURCE_SECRETS) expect(count(f.after, s)).toBe(count(f.path === CONFIG ? '' : AGENT_TEXT, s));
    }
  });

  it('reads GROQ_API_KEY, GROQ_MODEL and GROQ_BASE_URL (with a trailing /openai/v1) from env', async () => {
    const r = await aiSuggest(fixtureInput(), { env: { GROQ_API_KEY: GROQ_KEY, GROQ_MODEL: 'llama-3.1-8b-instant', GROQ_BASE_URL: `${mock.url}/openai/v1/` } });
    expect(r.ok).toBe(true);
    expect(r.model).toBe('llama-3.1-8b-instant');
    expect(mock.requests[0].body.model).toBe('llama-3.1-8b-instant');
    expect(mock.requests[0].path).toBe('/openai/v1/chat/completions');
  });

  it('drops candidates that break the syntax, touch other files or change nothing, and caps them at 4', async () => {
    mock.mode = 'mixed';
    const r = await suggest();
    if (!r.ok) throw new Error(r.note);
    expect(r.candidates.map((c) => c.title)).toEqual(['Guard the failing call']);
    expect(r.notes).toHaveLength(4);
    expect(r.notes[0]).toBe('kept the first 4 of 5 AI candidates');
    expect(r.notes[1]).toMatch(/^AI candidate 2 \("Broken syntax"\) dropped: agent\.mjs no longer parses \(line 2: /);
    expect(r.notes[2]).toBe('AI candidate 3 ("Foreign file") dropped: it edits a file that was not given (/etc/hosts)');
    expect(r.notes[3]).toBe('AI candidate 4 ("No-op") dropped: it changes nothing');
  });

  it('reports JSON that does not parse, does not validate or was cut off as one line', async () => {
    mock.mode = 'malformed';
    expect(note(await suggest())).toMatch(/^the model's answer is not valid JSON \(.+\); continuing with heuristics$/);
    mock.mode = 'schemaInvalid';
    expect(note(await suggest())).toBe("the model's answer does not match the expected shape (explanation: Expected string, received number and 1 more); continuing with heuristics");
    mock.mode = 'truncated';
    expect(note(await suggest())).toBe(`${DEFAULT_GROQ_MODEL}'s answer was cut off at 4096 tokens; continuing with heuristics`);
  });

  it('reports a 429 with its retry-after at once instead of sleeping through it', async () => {
    mock.mode = 'rateLimited';
    const t0 = Date.now();
    expect(note(await suggest())).toBe('rate-limited by Groq (429 rate_limit_exceeded): retry after 7 s; continuing with heuristics');
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(mock.requests).toHaveLength(1);
    // A short retry-after is honoured once (maxRetries 1), then reported.
    mock.requests.length = 0;
    mock.retryAfter = '0';
    expect(note(await suggest())).toMatch(/^rate-limited by Groq \(429 rate_limit_exceeded\): retry after 0 s/);
    expect(mock.requests).toHaveLength(2);
  });

  it('maps 401, 403, 404 and 500 to their own lines, without echoing the provider message', async () => {
    mock.mode = 'unauthorized';
    expect(note(await suggest())).toBe('Groq rejected the API key (401 invalid key): check or replace it (console.groq.com/keys); continuing with heuristics');
    mock.mode = 'forbidden';
    expect(note(await suggest())).toMatch(/^Groq refused access \(403 permission_denied\)/);
    mock.mode = 'modelNotFound';
    expect(note(await suggest({ model: 'llama-9-nope' }))).toBe(
      'Groq model "llama-9-nope" not found (404 model_not_found): choose another with --model or GROQ_MODEL; continuing with heuristics',
    );
    mock.mode = 'serverError';
    mock.requests.length = 0;
    expect(note(await suggest())).toBe('Groq server error (500 internal_server_error): try again later; continuing with heuristics');
    expect(mock.requests).toHaveLength(2);
  });

  it('says how to give a key, and sends nothing, when there is none', async () => {
    const r = await aiSuggest(fixtureInput(), { baseURL: mock.url, env: { ...HOST_ENV, GROQ_API_KEY: '  ' } });
    expect(r).toEqual({ ok: false, model: DEFAULT_GROQ_MODEL, note: NO_KEY_NOTE });
    expect(NO_KEY_NOTE).toBe('no Groq key: pass --api-key, set GROQ_API_KEY, or save one in the workbench settings; continuing with heuristics');
    expect(mock.requests).toHaveLength(0);
  });

  it('gives up at the timeout, retry included, and stops at once when cancelled', async () => {
    mock.mode = 'slow';
    mock.slowMs = 4_000;
    let t0 = Date.now();
    expect(note(await suggest({ timeoutMs: 600 }))).toBe(`Groq did not answer within 0.6 s (timeout at ${new URL(mock.url).host}); continuing with heuristics`);
    expect(Date.now() - t0).toBeLessThan(2_500);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 200);
    t0 = Date.now();
    expect(note(await suggest({ signal: ctl.signal }))).toBe('the Groq request was cancelled; continuing with heuristics');
    expect(Date.now() - t0).toBeLessThan(2_500);
  });

  it('names the host when the base URL refuses connections', async () => {
    const srv = http.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as AddressInfo;
    await new Promise<void>((r) => srv.close(() => r()));
    const r = await aiSuggest(fixtureInput(), { apiKey: GROQ_KEY, baseURL: `http://127.0.0.1:${port}`, env: HOST_ENV });
    expect(note(r)).toBe(`cannot reach Groq at 127.0.0.1:${port}: connection refused (check GROQ_BASE_URL); continuing with heuristics`);
  });
});

describe('testGroqKey', () => {
  it('says ok when the key lists models, and whether the chosen model is among them', async () => {
    expect(await testGroqKey({ apiKey: GROQ_KEY, baseURL: mock.url })).toEqual({ status: 'ok', message: `key works: 3 models available, ${DEFAULT_GROQ_MODEL} among them` });
    expect(mock.requests.map((q) => [q.method, q.path])).toEqual([['GET', '/openai/v1/models']]);
    expect(await testGroqKey({ apiKey: GROQ_KEY, baseURL: mock.url, model: 'qwen/nope' })).toEqual({
      status: 'ok',
      message: 'key works, but model "qwen/nope" is not among its 3 models: choose another',
    });
  });

  it('says invalid on 401 or no key, rate_limited on 429, error otherwise', async () => {
    mock.mode = 'unauthorized';
    const bad = await testGroqKey({ apiKey: GROQ_KEY, baseURL: mock.url });
    expect(bad.status).toBe('invalid');
    expect(bad.message).not.toContain(GROQ_KEY);
    expect((await testGroqKey({ baseURL: mock.url, env: {} })).status).toBe('invalid');
    mock.mode = 'rateLimited';
    expect(await testGroqKey({ apiKey: GROQ_KEY, baseURL: mock.url })).toEqual({ status: 'rate_limited', message: 'rate-limited by Groq (429 rate_limit_exceeded): retry after 7 s' });
    mock.mode = 'forbidden';
    expect((await testGroqKey({ apiKey: GROQ_KEY, baseURL: mock.url })).status).toBe('error');
  });

  it('offers the default model first in the picker list', () => {
    expect(GROQ_MODELS[0].id).toBe(DEFAULT_GROQ_MODEL);
    expect(new Set(GROQ_MODELS.map((m) => m.id)).size).toBe(GROQ_MODELS.length);
  });
});
