// E2E agent for the fix review screen: the real openai client against the mock LLM server (MOCK_URL). The mock
// echoes the prompt, so the "model" answers with JSON wrapped in ```json fences, and this agent JSON.parse's the
// reply as it is: a bad_json failure that a tolerant parse fixes. The spec copies it to a scratch folder first.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'mock', baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });

async function forecast(city) {
  const res = await client.chat.completions.create({
    model: 'gpt-mock',
    messages: [
      { role: 'system', content: 'Give the forecast as JSON.' },
      { role: 'user', content: '```json\n{"city": "' + city + '", "temp": 21}\n```' },
    ],
  });
  const data = JSON.parse(res.choices[0].message.content);
  return `${data.city}: ${data.temp} C`;
}

console.log(await forecast('Paris'));
