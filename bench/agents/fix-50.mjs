// Bench agent for `agenttrace fix`: 49 ordinary LLM calls with the real openai client, then one whose reply is JSON
// wrapped in prose and a ```json fence (mock model `json-fenced`); JSON.parse of the raw reply throws (bad_json).
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0 });
const notes = [];
for (let i = 0; i < 49; i++) {
  const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Summarize note ${i}` }] });
  notes.push(res.choices[0].message.content);
}
const res = await client.chat.completions.create({
  model: 'json-fenced',
  messages: [
    { role: 'system', content: 'Answer with a JSON object {"topic": string, "items": string[]}.' },
    { role: 'user', content: `Make a checklist from ${notes.length} notes` },
  ],
});
const plan = JSON.parse(res.choices[0].message.content);
console.log(`checklist: ${plan.items.length} items`);
