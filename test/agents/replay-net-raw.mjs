// Agent under test (ESM): raw clients against a test server (RAW_URL): gzip bodies through fetch and http.get,
// chunked SSE through http.request, undici.request and fetch, npm undici's fetch, a streamed request body, and failing
// calls to a closed port (CLOSED_PORT).
import http from 'node:http';
import zlib from 'node:zlib';
import { request as undiciRequest, fetch as undiciFetch } from 'undici';

const base = process.env.RAW_URL;
const closed = `http://127.0.0.1:${process.env.CLOSED_PORT}/nothing`;
const isInternal = globalThis[Symbol.for('agenttrace.test.isInternal')] ?? (() => null);
const ctx = new Set();

const g = await fetch(`${base}/gzip`, { headers: { 'accept-encoding': 'gzip' } });
console.log('fetch gzip:', g.status, g.headers.get('content-encoding'), (await g.json()).msg);

const raw = await new Promise((resolve, reject) => {
  http.get(`${base}/gzip`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
    const parts = [];
    res.on('data', (c) => parts.push(c));
    res.on('end', () => resolve(`${res.headers['content-encoding']} ${JSON.parse(zlib.gunzipSync(Buffer.concat(parts))).msg}`));
  }).on('error', reject);
});
console.log('http gzip:', raw);

const sse = await new Promise((resolve, reject) => {
  const req = http.request(`${base}/sse`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
    const seen = [];
    res.setEncoding('utf8');
    res.on('data', (c) => {
      ctx.add(isInternal());
      seen.push(c.trim());
    });
    res.on('end', () => resolve(`${res.statusCode} ${seen.length} chunks: ${seen.join(' ')}`));
  });
  req.on('error', reject);
  req.end(JSON.stringify({ n: 3 }));
});
console.log('http sse:', sse);

const { statusCode, body } = await undiciRequest(`${base}/sse`, { method: 'POST', body: JSON.stringify({ n: 2 }) });
const seen = [];
for await (const c of body) seen.push(c.toString().trim());
console.log('undici sse:', statusCode, seen.length, 'chunks:', seen.join(' '));

const f = await fetch(`${base}/sse`, { method: 'POST', body: JSON.stringify({ n: 4 }) });
let fetched = '';
for await (const c of f.body) fetched += `[${Buffer.from(c).toString().trim()}]`;
console.log('fetch sse:', fetched);

const ug = await undiciFetch(`${base}/gzip`);
console.log('undici fetch gzip:', ug.status, (await ug.json()).msg);

// A streamed request body (unknown length): recorded when the body has been sent.
const streamed = new ReadableStream({
  start(c) {
    c.enqueue(new TextEncoder().encode('{"n":'));
    c.enqueue(new TextEncoder().encode('2}'));
    c.close();
  },
});
const sb = await fetch(`${base}/sse`, { method: 'POST', body: streamed, duplex: 'half' });
console.log('fetch streamed body:', sb.status, (await sb.text()).trim().split('\n\n').length, 'events');

try {
  await fetch(closed);
} catch (e) {
  ctx.add(isInternal());
  console.log('fetch failed:', e.message, e.cause?.code);
}
await new Promise((resolve) => {
  http.get(closed).on('error', (e) => {
    ctx.add(isInternal());
    console.log('http failed:', e.code);
    resolve();
  });
});
process.stderr.write(`CTX ${JSON.stringify([...ctx])}\n`);
