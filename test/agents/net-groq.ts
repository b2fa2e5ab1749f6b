// Agent under test (TypeScript, run through tsx): the real groq-sdk v1 client (fetch) against the mock server.
import Groq from 'groq-sdk';

const groq = new Groq({ apiKey: process.env.GROQ_API_KEY, baseURL: process.env.MOCK_URL, maxRetries: 0 });

const plain = await groq.chat.completions.create({ model: 'llama-mock', messages: [{ role: 'user', content: 'groq says hi' }] });
console.log('plain:', plain.choices[0].message.content, plain.usage?.total_tokens);

const tools: Groq.Chat.ChatCompletionTool[] = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
const stream = await groq.chat.completions.create({ model: 'llama-mock', stream: true, tools, messages: [{ role: 'user', content: 'weather in Paris' }] });
let args = '';
let name = '';
for await (const chunk of stream) {
  for (const tc of chunk.choices[0]?.delta?.tool_calls ?? []) {
    name ||= tc.function?.name ?? '';
    args += tc.function?.arguments ?? '';
  }
}
console.log('stream tool:', name, args);
