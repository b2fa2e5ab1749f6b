// OpenTelemetry export test agent: a step that calls a tool (plain HTTP inside) and the model (with request
// parameters), a tool that fails (404, caught), then a streamed call outside any step. Exits 0.
import OpenAI from 'openai';
import { step, tool } from 'agenttrace/sdk';

const base = process.env.MOCK_URL;
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${base}/v1`, maxRetries: 0 });
const weather = tool('weather', async (city) => (await fetch(`${base}/weather?city=${city}`)).json());
const rate = tool('rate', async (code) => {
  const res = await fetch(`${base}/rates/${code}`);
  if (!res.ok) throw new Error(`no rate for ${code} (HTTP ${res.status})`);
  return res.json();
});

const plan = await step('plan', { city: 'Paris' }, async () => {
  const w = await weather('Paris');
  const reply = await client.chat.completions.create({
    model: 'gpt-mock',
    temperature: 0.2,
    max_tokens: 64,
    messages: [
      { role: 'system', content: 'You plan trips.' },
      { role: 'user', content: `Weather: ${w.current.conditions}. Plan a day in Paris.` },
    ],
  });
  return reply.choices[0].message.content;
});
console.log(`plan: ${plan}`);

try {
  await rate('XXX');
} catch (e) {
  console.log(`rate failed: ${e.message}`);
}

const stream = await client.chat.completions.create({
  model: 'gpt-mock',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'Summarize the plan' }],
});
let summary = '';
for await (const chunk of stream) summary += chunk.choices[0]?.delta?.content ?? '';
console.log(`summary: ${summary}`);
