// An openai v6 agent: locals of the calling function must be captured at each chat.completions.create call.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'sk-test-state-llm-0000', baseURL: `${process.env.MOCK_LLM_URL}/v1` });

async function ask(topic, turn) {
  const prompt = `Tell me about ${topic}`;
  const budget = { maxTokens: 64, turn };
  const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], max_tokens: budget.maxTokens });
  return res.choices[0].message.content;
}

const first = await ask('otters', 1);
console.log('first', first.length > 0);
const [a, b] = await Promise.all([ask('ravens', 2), ask('squids', 3)]);
console.log('both', a.length > 0 && b.length > 0);
