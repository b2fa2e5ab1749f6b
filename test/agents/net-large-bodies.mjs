// Agent under test (ESM): a conversation whose prompt and reply pass 64 KB (the mock echoes the last user message),
// sent twice as is (the same body), then a short call; the real openai v6 client against MOCK_URL.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
let text = 'tool output:';
for (let i = 0; text.length < 80 * 1024; i++) text += ` row=${(i * 7919) % 100003} status=${i % 3 ? 'ok' : 'retry'}`;
const messages = [
  { role: 'system', content: 'be brief' },
  { role: 'user', content: text },
];
for (let i = 0; i < 2; i++) {
  const res = await client.chat.completions.create({ model: 'gpt-mock', messages });
  console.log(`long call ${i}: ${res.choices[0].message.content.length} chars, ${res.usage.total_tokens} tokens`);
}
const short = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: 'and now briefly' }] });
console.log('short:', short.choices[0].message.content);
