// Replay speed bench / tests: argv[2] sequential chat completions (openai v6) against the mock server at MOCK_URL,
// each prompt built from the previous reply, then one summary line.
import OpenAI from 'openai';

const n = Number(process.argv[2] ?? 200);
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
let last = 'start';
let tokens = 0;
for (let i = 0; i < n; i++) {
  const res = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: `turn ${i} after ${last.slice(-24)}` }] });
  last = res.choices[0].message.content;
  tokens += res.usage.total_tokens;
  if (i % 50 === 49) console.log(`call ${i + 1}: ${last}`);
}
console.log(`done: ${n} calls, ${tokens} tokens`);
