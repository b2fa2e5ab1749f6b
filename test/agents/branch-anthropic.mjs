// Branch test agent: the real @anthropic-ai/sdk client streaming two replies, the second prompt built from the first,
// so an edited (re-chunked) first reply shows in the output and in the second request.
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY, baseURL: process.env.MOCK_URL, maxRetries: 0 });

async function ask(content) {
  const stream = client.messages.stream({ model: 'claude-mock', max_tokens: 64, messages: [{ role: 'user', content }] });
  let text = '';
  stream.on('text', (t) => (text += t));
  const final = await stream.finalMessage();
  return { text, stop: final.stop_reason };
}

const first = await ask('name a city');
console.log(`first: ${first.text} (${first.stop})`);
const second = await ask(`describe ${first.text}`);
console.log(`second: ${second.text} (${second.stop})`);
