// Agent under test (ESM, openai v6): AGENT_CALLS sequential calls (speed of replay vs recording).
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const n = Number(process.env.AGENT_CALLS ?? 200);
let total = 0;
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const r = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: `call ${i}` }] });
  total += r.usage.total_tokens;
}
console.log('calls:', n, 'tokens:', total);
if (process.env.AGENT_TIMING) process.stderr.write(`loop ms ${(performance.now() - t0).toFixed(1)}\n`);
