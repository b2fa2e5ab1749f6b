// Keyframe stacks at network events (run with a keyframe at every event, locals off): a POST through fetch (its
// request event is recorded after the body was read, from the recorder's own continuation) and one through
// http.request (recorded inside the agent's own call).
import http from 'node:http';

const url = `${process.env.MOCK_LLM_URL}/v1/chat/completions`;
const body = JSON.stringify({ model: 'gpt-mock', messages: [{ role: 'user', content: 'hi' }] });

async function viaFetch() {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
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

console.log('fetch', await viaFetch());
console.log('http', await viaHttp());
