// The sample agent behind resources/sample/sample.agenttrace (recorded by scripts/makeSample.mjs against a local
// mock LLM server, so no API key was used): a tiny trip planner that asks the model for ideas, calls a "weather"
// tool, streams a summary, tracks its memory, and writes a notes file. Run it yourself against any OpenAI-compatible
// endpoint:  OPENAI_BASE_URL=... OPENAI_API_KEY=... agenttrace record resources/sample/agent.mjs
import fs from 'node:fs';
import OpenAI from 'openai';
import { step, tool, track } from 'agenttrace/sdk';

const baseURL = process.env.AGENT_LLM_URL ? `${process.env.AGENT_LLM_URL}/v1` : process.env.OPENAI_BASE_URL;
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'sample-no-key', baseURL, maxRetries: 0 });
const memory = track('memory', { city: 'Lisbon', ideas: [], forecast: null, summary: '' });

const weather = tool('weather', (city) => ({ city, tempC: 18 + Math.floor(Math.random() * 8), sky: Math.random() < 0.5 ? 'sunny' : 'cloudy' }));

await step('ideas', async () => {
  const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Three things to do in ${memory.city}` }] });
  memory.ideas.push(res.choices[0].message.content);
});

memory.forecast = weather(memory.city);

await step('summary', async () => {
  const messages = [{ role: 'user', content: `Plan a day in ${memory.city} (${memory.forecast.sky}, ${memory.forecast.tempC}°C) from: ${memory.ideas[0]}` }];
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
  for await (const chunk of stream) memory.summary += chunk.choices[0]?.delta?.content ?? '';
});

fs.writeFileSync('trip-notes.txt', `${new Date().toISOString()}\n${memory.summary}\n`);
console.log(`plan for ${memory.city}: ${memory.summary}`);
