// Branch test agent (ESM, openai v6): three LLM calls where each prompt includes the previous reply, so an edited
// reply flows into every later prompt. `stream` as first argument streams every call (the client consumes SSE).
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const stream = process.argv[2] === 'stream';

async function ask(content) {
  const messages = [{ role: 'system', content: 'be brief' }, { role: 'user', content }];
  if (!stream) return (await client.chat.completions.create({ model: 'gpt-mock', messages })).choices[0].message.content;
  let text = '';
  const s = await client.chat.completions.create({ model: 'gpt-mock', messages, stream: true });
  for await (const chunk of s) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}

const plan = await ask('plan a trip');
console.log(`1: ${plan}`);
const refined = await ask(`refine this plan: ${plan}`);
console.log(`2: ${refined}`);
const summary = await ask(`summarize: ${refined}`);
console.log(`3: ${summary}`);
