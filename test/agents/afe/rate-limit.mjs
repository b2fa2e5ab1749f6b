// AutoFix corpus (rate_limit): a summarizer whose client retries only once. The mock's `ratelimit-3` model answers
// 429 rate_limit_exceeded (retry-after) to the first three attempts of a request, so one retry is not enough.
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 1 });

async function summarize(text) {
  const res = await client.chat.completions.create({
    model: 'ratelimit-3',
    messages: [
      { role: 'system', content: 'Summarize the user text in one sentence.' },
      { role: 'user', content: text },
    ],
  });
  return res.choices[0].message.content;
}

const summary = await summarize('The quarterly report shows revenue up 12% and churn down to 3%.');
console.log(`summary: ${summary}`);
