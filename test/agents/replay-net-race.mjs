// Agent under test (ESM, openai v6 over fetch): three concurrent calls whose recorded latencies differ (x-mock-delay).
// Output depends on completion order only: push-on-complete, Promise.race, and concurrent streams.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const delays = (process.env.AGENT_DELAYS ?? '150,20,80').split(',').map(Number);
const ask = (i, round, stream = false) =>
  client.chat.completions.create(
    { model: 'gpt-mock', stream, messages: [{ role: 'user', content: `round ${round} task ${i}` }] },
    { headers: { 'x-mock-delay': String(delays[i]) } },
  );

const completed = [];
await Promise.all(delays.map((_, i) => ask(i, 1).then((r) => completed.push(`${i}=${r.choices[0].message.content}`))));
console.log('completed:', completed.join(' | '));

const first = await Promise.race(delays.map((_, i) => ask(i, 2).then(() => i)));
console.log('first:', first);

const streamed = [];
await Promise.all(
  delays.map(async (_, i) => {
    let text = '';
    for await (const chunk of await ask(i, 3, true)) text += chunk.choices[0]?.delta?.content ?? '';
    streamed.push(`${i}=${text}`);
  }),
);
console.log('streams:', streamed.join(' | '));
