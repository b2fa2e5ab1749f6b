// `agenttrace test` agent: the real openai client against the mock LLM server (MOCK_URL); two chained calls, the
// second prompt built from the first reply, then one summary line. Tests edit copies of it to change a prompt.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const first = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: 'list three sights in Lisbon' }] });
const idea = first.choices[0].message.content;
console.log(`ideas: ${idea}`);
const second = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: `plan a walking route through: ${idea}` }] });
console.log(`route: ${second.choices[0].message.content}`);
