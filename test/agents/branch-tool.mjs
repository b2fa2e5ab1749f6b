// Branch test agent: an LLM call made inside a tool() annotation and an HTTP call inside a step(), so editing the
// annotations is refused with a pointer to the calls inside them; the HTTP result decides the last line.
import OpenAI from 'openai';
import { step, tool } from 'agenttrace/sdk';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const think = tool('think', async (q) => (await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: q }] })).choices[0].message.content);

console.log('start');
const answer = await think('what now');
console.log(`think: ${answer}`);
const health = await step('health', async () => {
  const res = await fetch(`${process.env.MOCK_URL}/health`);
  return { status: res.status, text: await res.text() };
});
console.log(`health: ${health.status} ${health.text}`);
