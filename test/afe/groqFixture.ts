/**
 * A failed run as the AI path receives it: a bad_json failure in agent.mjs (a reply that is not JSON), the LLM event
 * that produced it, and secrets planted everywhere a careless prompt builder would leak them: token-shaped literals
 * and an Authorization header in the source, a password-named literal, a known env secret value, a key in a message
 * of the event, the event's request Authorization header and a key in its URL.
 */
import path from 'node:path';
import type { AiSuggestInput } from '../../src/engine/afe/groq.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';

export const RUN_CWD = path.resolve('/tmp/afe-groq-fixture');
export const AGENT = path.join(RUN_CWD, 'agent.mjs');
export const CONFIG = path.join(RUN_CWD, 'lib', 'config.mjs');

/** The user's Groq key: only ever in the Authorization header of requests to Groq. */
export const GROQ_KEY = 'gsk_USERKEYforTESTS0123456789abcdef';

/** Secrets in the user's files: they must not reach the prompt, but a patch must keep them in the file. */
export const SOURCE_SECRETS = ['gsk_PLANTEDsourceKEY0123456789', 'cGxhbnRlZDpiYXNpY2F1dGg=', 'hunter2-PLANTED-pass', 'plain-PLANTED-envtoken'];
/** Secrets only in the recorded event: they must not appear anywhere. */
export const EVENT_SECRETS = ['sk-proj-PLANTEDmessageKEY99999', 'sk-PLANTEDheaderKEY123456789', 'PLANTEDquerySECRET42'];

/** Env of the host: a secret-named var whose value also sits in the source as a plain literal. */
export const HOST_ENV = { MY_SERVICE_TOKEN: 'plain-PLANTED-envtoken', PATH: '/usr/bin' };

export const AGENT_TEXT = [
  "import Groq from 'groq-sdk';",
  "import { settings } from './lib/config.mjs';",
  '',
  "const client = new Groq({ apiKey: 'gsk_PLANTEDsourceKEY0123456789' });",
  "const headers = { Authorization: 'Basic cGxhbnRlZDpiYXNpY2F1dGg=' };",
  '',
  'async function main() {',
  '  const res = await client.chat.completions.create({',
  '    model: settings.model,',
  "    messages: [{ role: 'user', content: 'Give the weather in Paris as JSON' }],",
  '  });',
  '  const data = JSON.parse(res.choices[0].message.content);',
  '  console.log(data.temp, headers);',
  '}',
  '',
  'await main();',
  '',
].join('\n');

export const CONFIG_TEXT = [
  "export const DB_PASSWORD = 'hunter2-PLANTED-pass';",
  "export const settings = { model: 'llama-3.3-70b-versatile', audience: 'plain-PLANTED-envtoken' };",
  '',
].join('\n');

const llmEvent: TraceEvent<'llm'> = {
  seq: 4,
  kind: 'llm',
  ts: 1_700_000_000_000,
  payload: {
    layer: 'fetch',
    provider: 'groq',
    model: 'llama-3.3-70b-versatile',
    stream: false,
    messages: [
      { role: 'system', content: 'You are a weather bot. Key for the tool: sk-proj-PLANTEDmessageKEY99999' },
      { role: 'user', content: 'Give the weather in Paris as JSON' },
    ],
    reply: { role: 'assistant', content: 'Sure! Here is the weather: {"temp": 21}' },
    finishReason: 'stop',
    request: {
      method: 'POST',
      url: 'https://api.groq.com/openai/v1/chat/completions?api_key=PLANTEDquerySECRET42',
      headers: { authorization: 'Bearer sk-PLANTEDheaderKEY123456789', 'content-type': 'application/json' },
      body: { text: '{"model":"llama-3.3-70b-versatile"}' },
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-ratelimit-remaining-requests': '999' },
      body: { text: '{"choices":[{"message":{"content":"Sure! Here is the weather: {\\"temp\\": 21}"}}]}' },
    },
  },
};

export function fixtureInput(): AiSuggestInput {
  return {
    failure: {
      class: 'bad_json',
      summary: 'JSON.parse failed on the model reply at agent.mjs:12',
      seq: 6,
      error: { name: 'SyntaxError', message: 'Unexpected token \'S\', "Sure! Here"... is not valid JSON' },
      userFrame: { file: AGENT, line: 12, column: 21, functionName: 'main', sourceLine: 'const data = JSON.parse(res.choices[0].message.content);' },
      evidence: [
        { kind: 'error', seq: 6, label: 'SyntaxError: Unexpected token \'S\', "Sure! Here"... is not valid JSON' },
        { kind: 'frame', label: 'agent.mjs:12 main', frame: { file: AGENT, line: 12, column: 21, functionName: 'main' } },
        { kind: 'event', seq: 4, label: 'LLM reply is prose, not JSON' },
      ],
      suspects: [{ seq: 4, kind: 'llm', reason: 'reply parsed at the failing frame' }],
    },
    rootCause: { status: 'confirmed', seq: 4, cause: 'The model answered in prose; JSON.parse threw.', tries: [{ seq: 4, correction: 'reply content → the JSON object inside it', outcome: 'clean' }] },
    files: [
      { path: AGENT, text: AGENT_TEXT },
      { path: CONFIG, text: CONFIG_TEXT },
    ],
    decisiveEvent: llmEvent,
    runCwd: RUN_CWD,
    stack: `SyntaxError: Unexpected token\n    at JSON.parse (<anonymous>)\n    at main (file://${AGENT}:12:21)\n    at async file://${AGENT}:16:1\n    at node:internal/modules/run_main:1:1`,
  };
}
