// Agent under test (CJS): the real openai v4 client (node-fetch over http.request) against the mock LLM server.
const OpenAI = require('openai-v4');

const isInternal = globalThis[Symbol.for('agenttrace.test.isInternal')] ?? (() => null);

async function main() {
  const ctx = [];
  const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
  const plain = await client.chat.completions.create({ model: 'gpt-v4', messages: [{ role: 'user', content: 'hello from v4' }] });
  ctx.push(isInternal());
  console.log('plain:', plain.choices[0].message.content, plain.usage.total_tokens);

  const stream = await client.chat.completions.create({ model: 'gpt-v4', stream: true, messages: [{ role: 'user', content: 'a streamed v4 reply' }] });
  let text = '';
  for await (const chunk of stream) {
    ctx.push(isInternal());
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  console.log('stream:', text);

  const all = await Promise.all([1, 2, 3].map((i) => client.chat.completions.create({ model: 'gpt-v4', messages: [{ role: 'user', content: `parallel ${i}` }] })));
  console.log('concurrent:', all.map((r) => r.choices[0].message.content).join(' | '));

  try {
    await client.chat.completions.create({ model: 'error-500', messages: [{ role: 'user', content: 'boom' }] });
  } catch (e) {
    console.log('error:', e.status);
  }
  process.stderr.write(`CTX ${JSON.stringify(ctx)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
