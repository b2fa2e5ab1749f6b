// AutoFix corpus (code_bug): the LLM call succeeds; the report helper is called by a misspelt name
// (ReferenceError), a bug no recorded input caused.
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0 });

function formatReport(title, body) {
  return `# ${title}\n\n${body}\n`;
}

const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarize the incident of May 3' }] });
// eslint-disable-next-line no-undef -- the misspelt call is the bug this corpus agent is about
const report = formatReprt('Incident May 3', res.choices[0].message.content);
console.log(report);
