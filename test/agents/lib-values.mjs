// Library internals test agent (ESM, openai v6): the client reads the clock and draws random numbers for its own
// bookkeeping around each call; the agent draws its own Math.random inside a step and reads Date.now itself.
import OpenAI from 'openai';
import { step } from 'agenttrace/sdk';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'sk-test', baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });

const roll = Math.random();
const answer = await step('ask', async () => {
  const res = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: 'hello' }] });
  return res.choices[0].message.content;
});
const started = Date.now();
console.log(`roll ${roll.toFixed(3)} ${answer} ${started > 0}`);
