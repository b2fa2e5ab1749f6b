// An openai v6 agent on the Responses API: locals of the calling function must be captured at each
// responses.create call, streamed or not.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'sk-test-state-llm-0000', baseURL: `${process.env.MOCK_LLM_URL}/v1` });

async function ask(topic, stream) {
  const prompt = `Tell me about ${topic}`;
  const budget = { maxTokens: 64, stream };
  const res = await client.responses.create({ model: 'gpt-4.1-mini', input: prompt, max_output_tokens: budget.maxTokens, stream });
  if (!stream) return res.output_text;
  let text = '';
  for await (const event of res) if (event.type === 'response.output_text.delta') text += event.delta;
  return text;
}

console.log('first', (await ask('otters', false)).length > 0);
console.log('second', (await ask('ravens', true)).length > 0);
