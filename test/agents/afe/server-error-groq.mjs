// AutoFix corpus (server_error, groq-sdk): the provider is overloaded (503) for the first two attempts and the client
// never retries; the promise chain has no catch, so the run dies of an unhandled rejection.
import Groq from 'groq-sdk';

const groq = new Groq({ maxRetries: 0 });

function answer(question) {
  return groq.chat.completions
    .create({ model: 'overloaded-2', messages: [{ role: 'user', content: question }] })
    .then((res) => res.choices[0].message.content);
}

console.log('asking');
answer('Which regions had an outage last week?').then((text) => console.log(`answer: ${text}`));
