// E2E agent for payload search and the span tree: the real openai client against the mock LLM server (MOCK_URL)
// inside an SDK step. The prompt is long, so its last word (which the mock echoes at the end of the reply) is far
// past what the timeline's one-line summary shows: only the payload holds it. The agent prints nothing with it.
import OpenAI from 'openai';
import { step } from 'agenttrace/sdk';

const client = new OpenAI({ apiKey: 'sk-test-e2e-search-000000', baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const filler = 'Please describe the habits of river otters in great detail, covering food, sleep, play and family life. '.repeat(3);

const roll = Math.random();
await step('research', async () => {
  const res = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: `${filler}Codeword: quokkazanzibar` }] });
  return res.choices[0].message.content.length;
});
console.log(`done ${roll < 2}`);
