// AutoFix corpus (bad_json): the agent asks for JSON in the prompt only; the model answers with prose around a
// ```json fence, and JSON.parse of the raw content throws a SyntaxError.
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0 });

async function packingList(trip) {
  const res = await client.chat.completions.create({
    model: 'json-fenced',
    messages: [
      { role: 'system', content: 'Answer with a JSON object {"topic": string, "items": string[]}.' },
      { role: 'user', content: trip },
    ],
  });
  const content = res.choices[0].message.content;
  const plan = JSON.parse(content);
  return plan.items;
}

const items = await packingList('Pack for Oslo: wool socks, rain jacket and a power adapter');
console.log(`items: ${items.join(' | ')}`);
