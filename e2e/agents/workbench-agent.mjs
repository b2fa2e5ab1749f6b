// E2E agent for the workbench: the real openai client against the mock LLM server (MOCK_URL), tracked state changed
// around each call, a streamed call, a file written and console output, so every inspector tab has something real.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { step, track } from 'agenttrace/sdk';

const client = new OpenAI({ apiKey: 'sk-test-e2e-workbench-0000', baseURL: `${process.env.MOCK_URL}/v1`, maxRetries: 0 });
const memory = track('memory', { topic: 'otters', answers: [] });

for (const question of ['What do otters eat?', 'Where do otters sleep?']) {
  await step('ask', { question }, async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-mock',
      messages: [
        { role: 'system', content: 'You are a terse naturalist.' },
        { role: 'user', content: question },
      ],
    });
    memory.answers.push(res.choices[0].message.content);
  });
  console.log(`answers so far: ${memory.answers.length}`);
}

const stream = await client.chat.completions.create({ model: 'gpt-mock', stream: true, messages: [{ role: 'user', content: 'Summarise otters in one line' }] });
let summary = '';
for await (const chunk of stream) summary += chunk.choices[0]?.delta?.content ?? '';
memory.summary = summary;
// OUT_DIR: a temporary folder of the test, removed with it.
await writeFile(path.join(process.env.OUT_DIR ?? os.tmpdir(), 'workbench-summary.txt'), `${summary}\n`);
console.log(`summary: ${summary}`);
