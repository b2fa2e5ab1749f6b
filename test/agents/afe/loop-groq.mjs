// AutoFix corpus (loop, groq-sdk): the agent runs the tool the model asks for but never sends the result back, so
// the model keeps asking for the same call until the agent's own turn budget throws.
import Groq from 'groq-sdk';

const groq = new Groq({ maxRetries: 0 });
const MAX_TURNS = 4;
const tools = [{ type: 'function', function: { name: 'search_docs', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }];
const messages = [{ role: 'user', content: 'How do I rotate the API key?' }];

const searchDocs = (query) => `Docs for "${query}": Settings > Keys > Rotate.`;

for (let turn = 1; ; turn++) {
  if (turn > MAX_TURNS) throw new Error(`agent gave up after ${MAX_TURNS} turns without an answer`);
  const res = await groq.chat.completions.create({ model: 'llama-3.1-8b-instant', tools, messages });
  const msg = res.choices[0].message;
  if (!msg.tool_calls?.length) {
    console.log(`answer: ${msg.content}`);
    break;
  }
  const found = searchDocs(JSON.parse(msg.tool_calls[0].function.arguments).query);
  console.log(`turn ${turn}: searched (${found.length} chars)`);
}
