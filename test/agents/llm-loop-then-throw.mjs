// Locals budget test agent (openai v6): argv[2] sequential calls from a function with locals of its own, each
// answered after MOCK_DELAY_MS by the mock server, an explicit snapshot, then a throw from a function with locals.
import OpenAI from 'openai';
import { snapshot } from 'agenttrace/sdk';

const n = Number(process.argv[2] ?? 60);
const client = new OpenAI({
  apiKey: 'sk-test',
  baseURL: `${process.env.MOCK_LLM_URL}/v1`,
  maxRetries: 0,
  defaultHeaders: { 'x-mock-delay': process.env.MOCK_DELAY_MS ?? '0' },
});

async function ask(turn) {
  const prompt = `turn ${turn}`;
  const res = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: prompt }] });
  return res.choices[0].message.content;
}

function wrapUp(total) {
  const tally = { calls: total };
  snapshot('after loop');
  return tally;
}

function finish(total) {
  const summary = `done ${total}`;
  throw new Error(`stopped: ${summary}`);
}

let last = '';
for (let i = 0; i < n; i++) last = await ask(i);
console.log(`last ${last}`);
wrapUp(n);
finish(n);
