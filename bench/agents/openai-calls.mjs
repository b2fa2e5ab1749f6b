// Real-agent bench: argv[2] sequential chat completions with the real `openai` client against BENCH_LLM_URL,
// each prompt built from the previous reply (what a simple agent loop does), then one summary line.
// BENCH_PROMPT_KB: a system prompt of that many KB, resent on every call (an agent's long instructions).
// BENCH_HISTORY_BYTES: the conversation grows: each turn keeps the reply and adds a tool result of about that many
// bytes of varied text, and the whole history is resent on every call (what a chat or tool-using agent does).
import OpenAI from 'openai';

const n = Number(process.argv[2] ?? 200);
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${process.env.BENCH_LLM_URL}/v1`, maxRetries: 0 });
const rule = 'Cite the tool output you used, keep to the policy, answer tersely. ';
const system = process.env.BENCH_PROMPT_KB ? rule.repeat(Math.ceil((Number(process.env.BENCH_PROMPT_KB) * 1024) / rule.length)) : 'You are a terse assistant.';
const historyBytes = Number(process.env.BENCH_HISTORY_BYTES ?? 0);
const words = ['row', 'status', 'ok', 'price', 'total', 'order', 'id', 'shipped', 'pending', 'eu-west', 'retry', 'cache', 'hit', 'miss'];
let seed = 7;
/** Deterministic varied text (tool output: ids, numbers, words), so it compresses like real text, not like a repeat. */
const toolOutput = (i) => {
  let out = `tool result ${i}:`;
  while (out.length < historyBytes) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out += ` ${words[seed % words.length]}=${seed % 100000}`;
  }
  return out;
};
const history = [];
let last = 'start';
let tokens = 0;
for (let i = 0; i < n; i++) {
  const user = { role: 'user', content: historyBytes > 0 ? toolOutput(i) : `turn ${i} after ${last.slice(-24)}` };
  const res = await client.chat.completions.create({
    model: 'gpt-bench',
    messages: [{ role: 'system', content: system }, ...history, user],
  });
  last = res.choices[0].message.content;
  tokens += res.usage.total_tokens;
  if (historyBytes > 0) history.push(user, { role: 'assistant', content: last });
}
console.log(`done: ${n} calls, ${tokens} tokens`);
