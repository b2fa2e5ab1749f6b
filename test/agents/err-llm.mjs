// An openai v6 agent whose LLM call fails (mock model `error-500`, no retries): the unhandled rejection's error
// event must carry the locals of the function that made the call.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'sk-test-err-llm-0000', baseURL: `${process.env.MOCK_LLM_URL}/v1`, maxRetries: 0 });

async function summarize(doc) {
  const instructions = `Summarize: ${doc.title}`;
  const res = await client.chat.completions.create({ model: 'error-500', messages: [{ role: 'user', content: instructions }] });
  return res.choices[0].message.content;
}

console.log('calling');
summarize({ title: 'quarterly report', pages: 12 }).then((s) => console.log('never', s));
