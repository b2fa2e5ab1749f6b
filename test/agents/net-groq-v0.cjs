// Agent under test (CJS): the real groq-sdk v0 client (node-fetch over https/http.request) against the mock server.
const Groq = require('groq-sdk-v0');

async function main() {
  const groq = new Groq({ apiKey: process.env.GROQ_API_KEY, baseURL: process.env.MOCK_URL, maxRetries: 0 });
  const plain = await groq.chat.completions.create({ model: 'llama-v0', messages: [{ role: 'user', content: 'old groq client' }] });
  console.log('plain:', plain.choices[0].message.content);
  const stream = await groq.chat.completions.create({ model: 'llama-v0', stream: true, messages: [{ role: 'user', content: 'stream from v0' }] });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  console.log('stream:', text);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
