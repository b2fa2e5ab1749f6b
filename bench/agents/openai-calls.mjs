// Real-agent bench: argv[2] sequential chat completions with the real `openai` client against BENCH_LLM_URL,
// each prompt built from the previous reply (what a simple agent loop does), then one summary line.
import OpenAI from 'openai';

const n = Number(process.argv[2] ?? 200);
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.BENCH_LLM_URL}/v1`, maxRetries: 0 });
let last = 'start';
let tokens = 0;
for (let i = 0; i < n; i++) {
  const res = await client.chat.completions.create({
    model: 'gpt-bench',
    messages: [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: `turn ${i} after ${last.slice(-24)}` },
    ],
  });
  last = res.choices[0].message.content;
  tokens += res.usage.total_tokens;
}
console.log(`done: ${n} calls, ${tokens} tokens`);
