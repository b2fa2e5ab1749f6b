// Agent under test (ESM): openai v6 (fetch) and openai v4 (https.request) over TLS (MOCK_URL is https here).
import { createRequire } from 'node:module';
import OpenAI from 'openai';

const OpenAIv4 = createRequire(import.meta.url)('openai-v4');
const baseURL = `${process.env.MOCK_URL}/v1`;
const v6 = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL, maxRetries: 0 });
const v4 = new OpenAIv4({ apiKey: process.env.OPENAI_API_KEY, baseURL, maxRetries: 0 });

const a = await v6.chat.completions.create({ model: 'tls-v6', messages: [{ role: 'user', content: 'secure hello' }] });
console.log('v6:', a.choices[0].message.content);
const stream = await v4.chat.completions.create({ model: 'tls-v4', stream: true, messages: [{ role: 'user', content: 'secure stream' }] });
let text = '';
for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
console.log('v4 stream:', text);
