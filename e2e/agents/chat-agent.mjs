// Chat view e2e agent: a travel assistant that calls a weather tool (an SDK tool() annotation that fetches) once per
// city through the real openai client, so the conversation grows to 30 messages with tool calls and results; then
// one call that the provider rate-limits (429), which the agent catches.
import OpenAI from 'openai';
import { tool } from 'agenttrace/sdk';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'sk-e2e-chat-view-key', baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather of a city',
      parameters: { type: 'object', properties: { query: { type: 'string', description: 'city name' } }, required: ['query'] },
    },
  },
];
const getWeather = tool('get_weather', async (args) => {
  const res = await fetch(`${process.env.MOCK_URL}/health`);
  return `14°C and cloudy in ${args.query} (station ${res.status})`;
});

const messages = [{ role: 'system', content: 'You are a careful travel assistant.\nAlways check the weather with the get_weather tool before answering.\nAnswer in one sentence.' }];
for (const city of ['Quito', 'Lima', 'Bogota', 'Santiago', 'La Paz', 'Caracas', 'Montevideo']) {
  messages.push({ role: 'user', content: city });
  const first = await client.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0.2, top_p: 0.9, max_tokens: 200, tool_choice: 'auto', response_format: { type: 'text' }, messages, tools });
  const msg = first.choices[0].message;
  messages.push(msg);
  for (const call of msg.tool_calls ?? []) {
    messages.push({ role: 'tool', tool_call_id: call.id, content: await getWeather(JSON.parse(call.function.arguments)) });
  }
  const second = await client.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 200, messages, tools });
  messages.push(second.choices[0].message);
}
console.log(`conversation: ${messages.length} messages`);
try {
  await client.chat.completions.create({ model: 'error-429', messages: [{ role: 'user', content: 'one more' }] });
} catch (e) {
  console.log(`rate limited: ${e.status}`);
}
