// AutoFix corpus (context_overflow): the whole build log goes into one prompt; the `gpt-4-8k` model's context window
// is 8192 tokens and the log alone is ~10k (400 context_length_exceeded).
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0 });

function buildLog() {
  const lines = [];
  for (let i = 0; i < 1200; i++) lines.push(`[${String(i).padStart(4, '0')}] step ok: compiled module ${i}`);
  lines.push('[1200] error: test suite "payments" failed');
  return lines.join('\n');
}

const log = buildLog();
const res = await client.chat.completions.create({
  model: 'gpt-4-8k',
  messages: [
    { role: 'system', content: 'You explain why a CI build failed.' },
    { role: 'user', content: `Why did this build fail?\n\n${log}` },
  ],
});
console.log(res.choices[0].message.content);
