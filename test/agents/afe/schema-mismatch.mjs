// AutoFix corpus (schema_mismatch): the reply is valid JSON, but `items` is one comma-separated string instead of an
// array, and the agent calls .map on it.
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0 });

async function checklist(task) {
  const res = await client.chat.completions.create({
    model: 'json-loose',
    messages: [
      { role: 'system', content: 'Answer with a JSON object {"topic": string, "items": string[]}.' },
      { role: 'user', content: task },
    ],
  });
  const plan = JSON.parse(res.choices[0].message.content);
  return plan.items.map((item, i) => `${i + 1}. ${item}`);
}

const steps = await checklist('Release checklist: bump the version, tag the commit and publish the notes');
console.log(steps.join('\n'));
