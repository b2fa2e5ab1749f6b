// AutoFix corpus (timeout): the client allows 300 ms per request and never retries; the mock's `slow-900` model needs
// 900 ms, so the call aborts with APIConnectionTimeoutError.
import OpenAI from 'openai';

const client = new OpenAI({ timeout: 300, maxRetries: 0 });

async function draftReply(email) {
  const res = await client.chat.completions.create({
    model: 'slow-900',
    messages: [{ role: 'user', content: `Draft a polite reply to: ${email}` }],
  });
  return res.choices[0].message.content;
}

const draft = await draftReply('Can we move our meeting to Thursday?');
console.log(`draft: ${draft}`);
