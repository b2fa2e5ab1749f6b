// The replay bench's floor: the replay agent (test/agents/host-replay-bench.mjs) run as is, without AgentTrace, its
// calls answered in-process by an undici MockAgent (no socket, no server). What its calls cost the openai client and
// Node's fetch alone (and the mock's own work), i.e. about the least a replayed call can cost. Prints
// `floor span <ms> for <n> calls`: first request to last reply, like the replay's event span.
import { MockAgent, setGlobalDispatcher } from 'undici';

const ORIGIN = 'http://127.0.0.1:40404';
const mock = new MockAgent();
mock.disableNetConnect();
setGlobalDispatcher(mock);
let first;
let last;
let calls = 0;
mock
  .get(ORIGIN)
  .intercept({ path: '/v1/chat/completions', method: 'POST' })
  .reply((req) => {
    first ??= performance.now();
    calls++;
    const body = JSON.parse(String(req.body));
    const content = `echo: ${body.messages.at(-1).content}`;
    const reply = {
      id: `chatcmpl-${calls}`,
      object: 'chat.completion',
      created: 1700000000,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 8, completion_tokens: 8, total_tokens: 16 },
    };
    last = performance.now();
    return { statusCode: 200, data: JSON.stringify(reply), responseOptions: { headers: { 'content-type': 'application/json' } } };
  })
  .persist();

process.env.MOCK_URL = ORIGIN;
process.env.OPENAI_API_KEY ??= 'sk-bench-floor';
const quiet = console.log;
console.log = () => undefined;
await import('../../test/agents/host-replay-bench.mjs');
console.log = quiet;
console.log(`floor span ${(last - first).toFixed(1)} for ${calls} calls`);
