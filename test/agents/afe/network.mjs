// AutoFix corpus (network): OPENAI_BASE_URL points at a local gateway that is not running (connection refused).
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0 });

async function tag(title) {
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `Suggest three tags for the article "${title}".` }],
  });
  return res.choices[0].message.content;
}

console.log(`tags: ${await tag('Tracing LLM agents in production')}`);
