// Agent under test (ESM): the real openai v6 client (built-in fetch) against the mock LLM server at MOCK_URL.
import OpenAI from 'openai';

const isInternal = globalThis[Symbol.for('agenttrace.test.isInternal')] ?? (() => null);
const ctx = [];
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });

const plain = await client.chat.completions.create({
  model: 'gpt-mock',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'hello world' },
  ],
});
ctx.push(isInternal());
console.log('plain:', plain.choices[0].message.content, plain.usage.total_tokens);

const tools = [{ type: 'function', function: { name: 'search', description: 'web search', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }];
const tool = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: 'find cats' }], tools });
const call = tool.choices[0].message.tool_calls[0];
console.log('tool:', tool.choices[0].finish_reason, call.function.name, call.function.arguments);

const stream = await client.chat.completions.create({
  model: 'gpt-mock',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'stream these five words please' }],
});
let text = '';
let chunks = 0;
for await (const chunk of stream) {
  ctx.push(isInternal());
  text += chunk.choices[0]?.delta?.content ?? '';
  chunks++;
}
console.log('stream:', text, chunks);

const all = await Promise.all(['one', 'two', 'three'].map((w) => client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: `concurrent ${w}` }] })));
console.log('concurrent:', all.map((r) => r.choices[0].message.content).join(' | '));

try {
  await client.chat.completions.create({ model: 'error-429', messages: [{ role: 'user', content: 'too many' }] });
} catch (e) {
  ctx.push(isInternal());
  console.log('error:', e.status, e.constructor.name);
}
process.stderr.write(`CTX ${JSON.stringify(ctx)}\n`);
