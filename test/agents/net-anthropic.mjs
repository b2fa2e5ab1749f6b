// Agent under test (ESM): the real @anthropic-ai/sdk client (fetch) against the mock server's /v1/messages.
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY, baseURL: process.env.MOCK_URL, maxRetries: 0 });

const msg = await client.messages.create({ model: 'claude-mock', max_tokens: 64, system: 'you are terse', messages: [{ role: 'user', content: 'hi claude' }] });
console.log('plain:', msg.content[0].text, msg.usage.input_tokens, msg.usage.output_tokens);

const tools = [{ name: 'calc', description: 'calculator', input_schema: { type: 'object', properties: { query: { type: 'string' } } } }];
const toolMsg = await client.messages.create({ model: 'claude-mock', max_tokens: 64, tools, messages: [{ role: 'user', content: 'two plus two' }] });
console.log('tool:', toolMsg.stop_reason, toolMsg.content[0].name, JSON.stringify(toolMsg.content[0].input));

const stream = client.messages.stream({ model: 'claude-mock', max_tokens: 64, messages: [{ role: 'user', content: 'stream a claude reply' }] });
let text = '';
stream.on('text', (t) => (text += t));
const final = await stream.finalMessage();
console.log('stream:', text, final.stop_reason, final.usage.output_tokens);
