// Agent under test for `agenttrace diff` (openai v6 against the mock server): three calls where each later prompt
// includes the previous reply. DIFF_MODEL picks the model; DIFF_SECOND replaces the second prompt (a variant run).
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const model = process.env.DIFF_MODEL ?? 'gpt-4o-mini';
const ask = async (content) => (await client.chat.completions.create({ model, messages: [{ role: 'user', content }] })).choices[0].message.content;

const first = await ask('name one fact about tides');
console.log('1:', first);
const second = await ask(process.env.DIFF_SECOND ?? `expand on ${first}`);
console.log('2:', second);
const third = await ask(`summarize ${second}`);
console.log('3:', third);
