// Agent under test (ESM): raw http.request/http.get, npm undici.request and built-in fetch, plus failing calls.
// Context probes (is agent code ever run in the SDK's internal context?) go to stderr as one `CTX {...}` line.
import http from 'node:http';
import { request as undiciRequest, fetch as undiciFetch } from 'undici';

const base = process.env.MOCK_URL;
const { hostname, port } = new URL(base);
const key = process.env.OPENAI_API_KEY;
const isInternal = globalThis[Symbol.for('agenttrace.test.isInternal')] ?? (() => null);
const ctx = {};

// 1. http.request with the body written in two parts and the key in an x-api-key header.
const body = JSON.stringify({ model: 'raw-model', messages: [{ role: 'user', content: 'raw http hello' }] });
const rawText = await new Promise((resolve, reject) => {
  const req = http.request({ host: hostname, port, path: '/v1/chat/completions?b=2&a=1', method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key } }, (res) => {
    let t = '';
    res.setEncoding('utf8');
    res.on('data', (c) => {
      ctx.httpData = isInternal();
      t += c;
    });
    res.on('end', () => resolve(t));
  });
  req.on('error', reject);
  req.write(body.slice(0, 10));
  req.end(body.slice(10));
});
console.log('http:', JSON.parse(rawText).choices[0].message.content);

// 2. http.get (end() is called inside get).
const health = await new Promise((resolve, reject) => {
  http
    .get(`${base}/health`, (res) => {
      let t = '';
      res.on('data', (c) => (t += c));
      res.on('end', () => resolve(`${res.statusCode} ${t}`));
    })
    .on('error', reject);
});
console.log('get:', health);

// 3. npm undici.request, streamed, consumed with a 'data' listener.
const { statusCode, body: ub } = await undiciRequest(`${base}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  body: JSON.stringify({ model: 'undici-model', stream: true, messages: [{ role: 'user', content: 'undici streams too' }] }),
});
let sse = '';
await new Promise((resolve) => {
  ub.on('data', (c) => {
    ctx.undiciData = isInternal();
    sse += c;
  });
  ub.on('end', resolve);
});
console.log('undici:', statusCode, sse.split('\n\n').filter(Boolean).length, 'events');

// 4. Built-in fetch GET.
const r = await fetch(`${base}/health`);
ctx.afterFetch = isInternal();
// Agent randomness after an awaited fetch is the agent's: it must be recorded (not hidden as internal work).
ctx.randomAfterFetch = Math.random() < 2;
console.log('fetch:', r.status, await r.text());

// 5. npm undici's own fetch (a second fetch implementation reading the same global dispatcher).
const r2 = await undiciFetch(`${base}/health?from=undici`);
ctx.afterUndiciFetch = isInternal();
console.log('undici fetch:', r2.status, await r2.text());

// 6. Failing calls: a port nobody listens on.
const closed = await new Promise((resolve) => {
  const s = http.createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
try {
  await fetch(`http://127.0.0.1:${closed}/nothing`);
} catch (e) {
  ctx.afterFetchError = isInternal();
  console.log('fetch failed:', e.cause?.code);
}
await new Promise((resolve) => {
  http.get(`http://127.0.0.1:${closed}/nothing`).on('error', (e) => {
    ctx.httpError = isInternal();
    console.log('http failed:', e.code);
    resolve();
  });
});
process.stderr.write(`CTX ${JSON.stringify(ctx)}\n`);
