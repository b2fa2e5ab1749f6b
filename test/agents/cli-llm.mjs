// CLI test agent: the real openai client against the mock LLM server (MOCK_URL): one plain call, one stream with
// usage. Prints the usage the client itself received, so the test can compare the store's totals with it.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const plain = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: 'hello there' }] });
console.log(`usage ${plain.usage.prompt_tokens} ${plain.usage.completion_tokens} ${plain.usage.total_tokens}`);
const stream = await client.chat.completions.create({
  model: 'gpt-mock',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'stream a short answer' }],
});
for await (const chunk of stream) {
  if (chunk.usage) console.log(`usage ${chunk.usage.prompt_tokens} ${chunk.usage.completion_tokens} ${chunk.usage.total_tokens}`);
}
