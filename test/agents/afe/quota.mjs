// AutoFix corpus (quota): the account behind the key has no credit left (429 insufficient_quota). The agent catches
// the error, prints it and exits 1 itself: no uncaught error is recorded, only the failing call and the exit.
import OpenAI from 'openai';

const client = new OpenAI();

async function classify(ticket) {
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `Classify this support ticket as bug, billing or other: ${ticket}` }],
  });
  return res.choices[0].message.content;
}

try {
  const label = await classify('I was charged twice for my subscription this month.');
  console.log(`label: ${label}`);
} catch (err) {
  console.error(`classification failed: ${err.message}`);
  process.exit(1);
}
