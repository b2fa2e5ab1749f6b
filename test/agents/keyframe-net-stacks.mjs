// Keyframe stacks at network events (run with a keyframe at every event, locals off): POSTs through fetch (their
// request events are recorded after the body was read, from the recorder's own continuation: on a new connection and
// on a kept-alive one, where undici reports the connection inside the dispatch) and one through http.request
// (recorded inside the agent's own call). Prints how many stack captures each took (stack-captures.mjs).
import http from 'node:http';
import { captures } from './stack-captures.mjs';

const counted = async (fn) => {
  const before = captures();
  const status = await fn();
  return `${status} (${captures() - before} captures)`;
};

const url = `${process.env.MOCK_LLM_URL}/v1/chat/completions`;
const body = JSON.stringify({ model: 'gpt-mock', messages: [{ role: 'user', content: 'hi' }] });

async function viaFetch() {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.text(); // the connection is kept for the next call only once its body was read
  return res.status;
}

function viaHttp() {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

console.log('fetch', await counted(viaFetch));
// Once the first response is fully handled, its connection is idle: undici writes the next request at once.
await new Promise((r) => setTimeout(r, 20));
console.log('fetch again', await counted(viaFetch));
console.log('http', await counted(viaHttp));
