// Env-steering test agent: three chat completions with the real openai client. The endpoint is OPENAI_BASE_URL when
// set (a recorded variable), else the agent's own default MOCK_URL (not a recorded variable).
import OpenAI from 'openai';

const baseURL = process.env.OPENAI_BASE_URL ?? `${process.env.MOCK_URL}/v1`;
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL, maxRetries: 0 });
for (let i = 0; i < 3; i++) {
  const res = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: `question ${i}` }] });
  console.log(`answer ${i}: ${res.choices[0].message.content}`);
}
