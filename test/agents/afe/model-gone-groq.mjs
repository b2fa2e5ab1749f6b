// AutoFix corpus (model_not_found, groq-sdk): the agent still names a model Groq decommissioned
// (400 model_decommissioned); every other part of the call is fine.
import Groq from 'groq-sdk';

const groq = new Groq({ maxRetries: 0 });
const MODEL = 'llama3-70b-8192';

async function translate(text, lang) {
  const res = await groq.chat.completions.create({
    model: MODEL,
    messages: [
      { role: 'system', content: `Translate the user text to ${lang}.` },
      { role: 'user', content: text },
    ],
  });
  return res.choices[0].message.content;
}

console.log(await translate('Good morning, the build is green.', 'French'));
