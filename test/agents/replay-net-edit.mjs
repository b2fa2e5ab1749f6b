// Agent under test (ESM, openai v6): three sequential calls; AGENT_QUESTION edits the second request's content.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const ask = (content) => client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content }] });

console.log('a:', (await ask('first question')).choices[0].message.content);
console.log('b:', (await ask(process.env.AGENT_QUESTION ?? 'second question')).choices[0].message.content);
console.log('c:', (await ask('third question')).choices[0].message.content);
