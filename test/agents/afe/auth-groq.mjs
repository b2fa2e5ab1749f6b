// AutoFix corpus (auth, groq-sdk): the key in GROQ_API_KEY was revoked (401 invalid_api_key); the rejection of the
// first call is not caught.
import Groq from 'groq-sdk';

const groq = new Groq({ maxRetries: 0 });

const reply = await groq.chat.completions.create({
  model: 'llama-3.1-8b-instant',
  messages: [{ role: 'user', content: 'Write a haiku about observability.' }],
});
console.log(reply.choices[0].message.content);
