// An openai v6 agent making argv[2] sequential calls from one function: locals are captured only at the calls whose
// `llm` event is due for a keyframe (every-N policy), not at every call.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'sk-test-state-llm-0000', baseURL: `${process.env.MOCK_LLM_URL}/v1`, maxRetries: 0 });

async function turn(i) {
  const prompt = `turn ${i}`;
  const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
  return res.choices[0].message.content;
}

const n = Number(process.argv[2] ?? 30);
for (let i = 0; i < n; i++) await turn(i);
console.log('done', n);
