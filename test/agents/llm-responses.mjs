// Responses API test agent: the real openai client's `client.responses` against the mock LLM server (MOCK_URL).
// Mode (argv[2]): `json` (create), `stream` (create with stream: true, events read one by one) or `helper`
// (client.responses.stream + finalResponse). It asks one question, then runs a function tool round trip: the model
// calls get_weather, the agent runs it (an HTTP tool on the mock) and sends the output back. Prints what it got.
import OpenAI from 'openai';

const mode = process.argv[2] ?? 'json';
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const tools = [{ type: 'function', name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }, strict: false }];

async function ask(params) {
  if (mode === 'json') return client.responses.create(params);
  if (mode === 'helper') return client.responses.stream(params).finalResponse();
  const stream = await client.responses.create({ ...params, stream: true });
  let text = '';
  let done;
  const args = new Map();
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.function_call_arguments.delta') args.set(event.output_index, (args.get(event.output_index) ?? '') + event.delta);
    if (event.type === 'response.completed') done = event.response;
  }
  // The streamed deltas must add up to the final response the stream ends with.
  const calls = done.output.filter((o) => o.type === 'function_call');
  if (calls.some((c, i) => c.arguments !== [...args.values()][i])) throw new Error('streamed arguments differ from the completed response');
  return { ...done, output_text: text };
}

const usage = (r) => `${r.usage.input_tokens}/${r.usage.output_tokens}`;

const first = await ask({ model: 'gpt-4.1-mini', instructions: 'Answer briefly.', input: 'hello there' });
console.log(`answer: ${first.output_text} [${first.status} ${usage(first)}]`);

const input = [{ role: 'user', content: 'weather in Oslo' }];
const planned = await ask({ model: 'gpt-4.1-mini', input, tools });
const call = planned.output.find((o) => o.type === 'function_call');
console.log(`call: ${call.name} ${call.arguments}`);
const { query } = JSON.parse(call.arguments);
const city = query.replace(/^weather in /, '');
const weather = await (await fetch(`${process.env.MOCK_URL}/weather?city=${encodeURIComponent(city)}`)).json();
const output = weather.current ? `${weather.city} ${weather.current.temp_c}C ${weather.current.conditions}` : `${city}: no station`;
const final = await ask({ model: 'gpt-4.1-mini', input: [...input, ...planned.output, { type: 'function_call_output', call_id: call.call_id, output }], tools });
console.log(`final: ${final.output_text} [${usage(final)}]`);
