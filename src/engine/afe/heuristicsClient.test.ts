/**
 * Heuristics for provider failures on real agent sources (openai and groq-sdk, JS and TS, odd formatting): the exact
 * patched text, its parse, idempotence, and the "needs you" steps.
 */
import { describe, expect, it } from 'vitest';
import { afterOf, failure, llmEvent, patchOf, run } from '../../../test/helpers/heuristicsFixtures.js';
import { isPatch } from './heuristics.js';

const groqTs = `import Groq from "groq-sdk"

const groq = new Groq({
    apiKey: process.env.GROQ_API_KEY,
    maxRetries: 0
})

async function ask(q: string) {
    const res = await groq.chat.completions.create({ model: "llama3-70b-8192", messages: [{ role: "user", content: q }] })
    return res.choices[0].message.content
}

console.log(await ask("hi"))
`;

const openaiJs = `import OpenAI from 'openai';
const client = new OpenAI();

const res = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'hello' }],
});
console.log(res.choices[0].message.content);
`;

describe('rate_limit / server_error: retry policy', () => {
  it('raises maxRetries on a groq-sdk client (TS, double quotes, no semicolons, 4 spaces) and offers a retry wrapper', () => {
    const list = run({ failure: failure('rate_limit', { frame: { file: '/p/agent.ts', line: 9 }, status: 429 }), files: [{ path: '/p/agent.ts', text: groqTs }], event: llmEvent(3, { status: 429 }) });
    const retries = patchOf(list, /maxRetries: 5/);
    expect(retries.strategy).toBe('retry_policy');
    expect(afterOf(retries)).toBe(groqTs.replace('maxRetries: 0', 'maxRetries: 5'));
    const wrap = patchOf(list, /Retry the call on a 429/);
    expect(afterOf(wrap)).toBe(
      groqTs.replace('await groq.chat.completions.create({', 'await withRetry(() => groq.chat.completions.create({').replace('content: q }] })', 'content: q }] }))') +
        `
async function withRetry<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await call()
        } catch (err) {
            const e = err as { status?: number; headers?: unknown }
            const status = e?.status
            const retryable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500
            if (!retryable || attempt >= attempts) throw err
            const headers = e?.headers as { get?: (name: string) => string | null } & Record<string, string | undefined>
            const retryAfter = Number(typeof headers?.get === "function" ? headers.get("retry-after") : headers?.["retry-after"])
            const delayMs = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : Math.min(500 * 2 ** attempt, 8000)
            await new Promise((resolve) => setTimeout(resolve, delayMs))
        }
    }
}
`,
    );
  });
  it('adds options to a client constructed without any (openai, JS)', () => {
    const list = run({ failure: failure('server_error', { frame: { file: '/p/a.mjs', line: 4 }, status: 503 }), files: [{ path: '/p/a.mjs', text: openaiJs }], event: llmEvent(1, { provider: 'openai', status: 503 }) });
    expect(afterOf(patchOf(list, /maxRetries: 4/))).toBe(openaiJs.replace('new OpenAI()', 'new OpenAI({ maxRetries: 4 })'));
    const wrap = afterOf(patchOf(list, /Retry the call on a 503/));
    expect(wrap).toContain('const res = await withRetry(() => client.chat.completions.create({\n  model:');
    expect(wrap).toContain("\nasync function withRetry(call, attempts = 5) {\n  for (let attempt = 1; ; attempt++) {");
    expect(wrap).toContain("headers.get('retry-after')");
  });
  it('CommonJS require, `new OpenAI` without parentheses, per-request maxRetries raised too', () => {
    const src = "const { OpenAI } = require('openai');\nconst client = new OpenAI;\nclient.chat.completions.create({ model: 'm', messages: [] }, { maxRetries: 1 }).then(console.log);\n";
    const list = run({ failure: failure('rate_limit', { frame: { file: '/p/a.cjs', line: 3 } }), files: [{ path: '/p/a.cjs', text: src }] });
    expect(afterOf(patchOf(list, /maxRetries: 5/))).toBe(src.replace('new OpenAI;', 'new OpenAI({ maxRetries: 5 });').replace('{ maxRetries: 1 }', '{ maxRetries: 5 }'));
  });
  it('a client already allowed enough retries is left alone; a non-literal setting is respected', () => {
    const enough = openaiJs.replace('new OpenAI()', 'new OpenAI({ maxRetries: 8 })');
    const list = run({ failure: failure('rate_limit', { frame: { file: '/p/a.mjs', line: 4 } }), files: [{ path: '/p/a.mjs', text: enough }] });
    expect(list.filter((c) => /maxRetries/.test(c.title))).toEqual([]);
    const fromEnv = openaiJs.replace('new OpenAI()', 'new OpenAI({ maxRetries: Number(process.env.RETRIES) })');
    expect(run({ failure: failure('rate_limit'), files: [{ path: '/p/a.mjs', text: fromEnv }] }).filter((c) => /maxRetries/.test(c.title))).toEqual([]);
  });
});

describe('timeout and network', () => {
  it('raises a short client timeout (numeric separators kept) and the retries', () => {
    const src = "import Groq from 'groq-sdk';\nconst groq = new Groq({ timeout: 5_000, maxRetries: 0 });\n";
    const list = run({ failure: failure('timeout'), files: [{ path: '/p/a.ts', text: src }] });
    expect(afterOf(patchOf(list, /more time/))).toBe("import Groq from 'groq-sdk';\nconst groq = new Groq({ timeout: 120_000, maxRetries: 3 });\n");
  });
  it('raises AbortSignal.timeout on the failing line of a tool', () => {
    const src = "const r = await fetch(url, { signal: AbortSignal.timeout(2000) });\n";
    const list = run({ failure: failure('timeout', { frame: { file: '/p/t.mjs', line: 1 } }), files: [{ path: '/p/t.mjs', text: src }] });
    expect(afterOf(patchOf(list, /more time/))).toBe('const r = await fetch(url, { signal: AbortSignal.timeout(60000) });\n');
  });
  it('network: retries plus the base URL to check', () => {
    const list = run({ failure: failure('network'), files: [{ path: '/p/a.mjs', text: openaiJs }], event: llmEvent(0, { url: 'http://127.0.0.1:9/v1/chat/completions' }) });
    expect(afterOf(patchOf(list, /maxRetries: 4/))).toContain('new OpenAI({ maxRetries: 4 })');
    const step = list.find((c) => !isPatch(c));
    expect(step && 'needsYou' in step && step.needsYou).toMatch(/^Check that http:\/\/127\.0\.0\.1:9 is the right base URL and is reachable/);
  });
});

describe('model_not_found', () => {
  it('replaces a retired Groq model literal, keeping its quotes', () => {
    const list = run({ failure: failure('model_not_found', { status: 404, providerCode: 'model_decommissioned' }), files: [{ path: '/p/agent.ts', text: groqTs }], event: llmEvent(2, { model: 'llama3-70b-8192', status: 400 }) });
    const p = patchOf(list, /Replace the retired model llama3-70b-8192 with llama-3.3-70b-versatile/);
    expect(p.strategy).toBe('config_change');
    expect(afterOf(p)).toBe(groqTs.replace('"llama3-70b-8192"', '"llama-3.3-70b-versatile"'));
  });
  it('OpenAI: legacy names map to current models; a completions call to the instruct model', () => {
    const src = "import OpenAI from 'openai';\nconst c = new OpenAI();\nawait c.completions.create({ model: `text-davinci-003`, prompt: 'x' });\n";
    const chat = run({ failure: failure('model_not_found'), files: [{ path: '/p/a.mjs', text: src }], event: llmEvent(0, { model: 'text-davinci-003', provider: 'openai', url: 'https://api.openai.com/v1/chat/completions' }) });
    expect(afterOf(patchOf(chat, /gpt-4o-mini/))).toContain('model: `gpt-4o-mini`');
    const legacy = run({ failure: failure('model_not_found'), files: [{ path: '/p/a.mjs', text: src }], event: llmEvent(0, { model: 'text-davinci-003', provider: 'openai', url: 'https://api.openai.com/v1/completions' }) });
    expect(afterOf(patchOf(legacy, /gpt-3.5-turbo-instruct/))).toContain('model: `gpt-3.5-turbo-instruct`');
  });
  it('no known replacement, or a model name from the environment: needs you, with the place to change', () => {
    const src = groqTs.replace('llama3-70b-8192', 'my-finetune');
    const [c] = run({ failure: failure('model_not_found'), files: [{ path: '/p/agent.ts', text: src }], event: llmEvent(2, { model: 'my-finetune' }) });
    expect(c).toEqual({
      strategy: 'config_change',
      title: 'Use a model that Groq serves instead of my-finetune',
      needsYou: 'Groq does not serve model "my-finetune": pick a current model from https://console.groq.com/docs/models and set it at /p/agent.ts:9.',
    });
    const env = groqTs.replace('"llama3-70b-8192"', 'process.env.MODEL');
    const [e] = run({ failure: failure('model_not_found'), files: [{ path: '/p/agent.ts', text: env }], event: llmEvent(2, { model: 'mixtral-8x7b-32768' }) });
    expect(e).toMatchObject({ needsYou: expect.stringMatching(/does not name mixtral-8x7b-32768 in its source .* set it to llama-3.3-70b-versatile/) });
  });
});

describe('auth and quota: needs you', () => {
  it('names the env var the client reads and where to get a key', () => {
    const [c] = run({ failure: failure('auth', { status: 401, providerCode: 'invalid_api_key' }), files: [{ path: '/p/agent.ts', text: groqTs.replace('GROQ_API_KEY', 'MY_GROQ_KEY') }], event: llmEvent(0, { status: 401 }) });
    expect(c).toEqual({
      strategy: 'config_change',
      title: 'Set a valid API key in MY_GROQ_KEY',
      needsYou: 'Groq rejected the API key with 401 (invalid_api_key): create a valid key at https://console.groq.com/keys and export it as MY_GROQ_KEY (e.g. export MY_GROQ_KEY=...) in the shell that runs the agent, then run it again.',
    });
  });
  it('quota names the provider billing and limits pages', () => {
    const [c] = run({ failure: failure('quota', { status: 429, providerCode: 'insufficient_quota' }), files: [{ path: '/p/a.mjs', text: openaiJs }], event: llmEvent(0, { provider: 'openai', status: 429 }) });
    expect('needsYou' in c && c.needsYou).toBe(
      'OpenAI refused the request: the account\'s quota is used up (insufficient_quota). Check billing and usage limits at https://platform.openai.com/settings/organization/billing (limits: https://platform.openai.com/settings/organization/limits), add credit or raise the limit (or use a key of another project), then run again.',
    );
  });
});

describe('context_overflow', () => {
  const src = `import OpenAI from 'openai';
const client = new OpenAI();
const history = [{ role: 'system', content: 'You are terse.' }];

export async function chat(text) {
  history.push({ role: 'user', content: text });
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    max_tokens: 4000,
    messages: history,
  });
  return res.choices[0].message.content;
}
`;
  it('trims the messages before the call (system + last N) and lowers max_tokens to what fits', () => {
    const messages = [{ role: 'system', content: 's' }, ...Array.from({ length: 30 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` }))];
    const list = run({
      failure: failure('context_overflow', { frame: { file: '/p/chat.mjs', line: 7 }, error: ['BadRequestError', "400 This model's maximum context length is 8192 tokens. However, you requested 9100 tokens (5100 in the messages, 4000 in the completion)."] }),
      files: [{ path: '/p/chat.mjs', text: src }],
      event: llmEvent(4, { provider: 'openai', messages }),
    });
    expect(afterOf(patchOf(list, /Trim the conversation/))).toBe(
      src.replace('messages: history,', 'messages: trimMessages(history, 15),') +
        `
function trimMessages(messages, keep) {
  const system = messages.filter((m) => m.role === 'system');
  const rest = messages.filter((m) => m.role !== 'system').slice(-keep);
  while (rest.length > 1 && rest[0].role === 'tool') rest.shift();
  return system.concat(rest);
}
`,
    );
    const cfg = patchOf(list, /Lower max_tokens from 4000 to 3028/);
    expect(cfg.strategy).toBe('config_change');
    expect(afterOf(cfg)).toBe(src.replace('max_tokens: 4000', 'max_tokens: 3028'));
  });
  it('bounds an inline message built from data (a log in a template literal), keeping its beginning and end', () => {
    const agent = "import OpenAI from 'openai';\nconst client = new OpenAI();\nconst log = readLog();\nconst res = await client.chat.completions.create({\n  model: 'gpt-4-8k',\n  messages: [\n    { role: 'system', content: `Explain ${'the'} failure.` },\n    { role: 'user', content: `Why?\\n\\n${log}` },\n  ],\n});\n";
    const list = run({
      failure: failure('context_overflow', { frame: { file: '/p/ci.mjs', line: 4 }, error: ['BadRequestError', "400 This model's maximum context length is 8192 tokens. However, your messages resulted in 10000 tokens (10000 in the messages, 0 in the completion)."] }),
      files: [{ path: '/p/ci.mjs', text: agent }],
    });
    const patch = patchOf(list, /Bound the message built from data to 14,745 characters/);
    const after = afterOf(patch);
    expect(after).toContain("{ role: 'user', content: fitText(`Why?\\n\\n${log}`, 14745) },");
    expect(after).toContain("{ role: 'system', content: `Explain ${'the'} failure.` },");
    const fitText = new Function(`${after.slice(after.indexOf('function fitText'))}; return fitText;`)() as (t: string, m: number) => string;
    const text = 'HEAD' + 'x'.repeat(50_000) + 'THE ERROR';
    const fitted = fitText(text, 1000);
    expect(fitted.length).toBeLessThan(1100);
    expect(fitted.startsWith('HEAD')).toBe(true);
    expect(fitted.endsWith('THE ERROR')).toBe(true);
    expect(fitText('short', 1000)).toBe('short');
  });
  it('shorthand messages in TS get the typed helper', () => {
    const ts = "import Groq from 'groq-sdk';\nconst groq = new Groq();\nexport async function ask(messages: Groq.Chat.ChatCompletionMessageParam[]) {\n\treturn groq.chat.completions.create({ model: 'm', messages });\n}\n";
    const list = run({ failure: failure('context_overflow', { frame: { file: '/p/a.ts', line: 4 } }), files: [{ path: '/p/a.ts', text: ts }] });
    const after = afterOf(patchOf(list, /Trim/));
    expect(after).toContain("create({ model: 'm', messages: trimMessages(messages, 12) });");
    expect(after).toContain('\nfunction trimMessages<T extends { role: string }>(messages: T[], keep: number): T[] {\n\tconst system');
  });
});
