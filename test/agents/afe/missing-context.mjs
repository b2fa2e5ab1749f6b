// AutoFix corpus (missing_context): the model picks a city, the agent fetches its weather and reads
// `weather.current.temp_c`; the weather service has no station for that city and its reply has no `current`.
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0 });
const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }];

const res = await client.chat.completions.create({ model: 'gpt-4o-mini', tools, messages: [{ role: 'user', content: 'Atlantis' }] });
const call = res.choices[0].message.tool_calls[0];
const { query } = JSON.parse(call.function.arguments);

const http = await fetch(`${process.env.WEATHER_API_BASE_URL}/weather?city=${encodeURIComponent(query)}`);
const weather = await http.json();
const temp = weather.current.temp_c;
console.log(`${weather.city}: ${temp} °C`);
