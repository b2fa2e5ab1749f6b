// Real-agent bench: argv[2] sequential chat completions with the real `openai` client against BENCH_LLM_URL,
// each prompt built from the previous reply (what a simple agent loop does), then one summary line.
// BENCH_PROMPT_KB: a system prompt of that many KB, resent on every call (an agent's long instructions or history).
import OpenAI from 'openai';

const n = Number(process.argv[2] ?? 200);
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.BENCH_LLM_URL}/v1`, maxRetries: 0 });
const rule = 'Cite the tool output you used, keep to the policy, answer tersely. ';
const system = process.env.BENCH_PROMPT_KB ? rule.repeat(Math.ceil((Number(process.env.BENCH_PROMPT_KB) * 1024) / rule.length)) : 'You are a terse assistant.';
let last = 'start';
let tokens = 0;
for (let i = 0; i < n; i++) {
  const res = await client.chat.completions.create({
    model: 'gpt-bench',
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: `turn ${i} after ${last.slice(-24)}` },
    ],
  });
  last = res.choices[0].message.content;
  tokens += res.usage.total_tokens;
}
console.log(`done: ${n} calls, ${tokens} tokens`);
