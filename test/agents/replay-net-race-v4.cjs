// Agent under test (CJS, openai v4 over http.request): concurrent calls completing in a recorded order (x-mock-delay).
const OpenAI = require('openai-v4');

async function main() {
  const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
  const delays = (process.env.AGENT_DELAYS ?? '150,20,80').split(',').map(Number);
  const ask = (i, round, stream = false) =>
    client.chat.completions.create(
      { model: 'gpt-v4', stream, messages: [{ role: 'user', content: `v4 round ${round} task ${i}` }] },
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
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
