// Agent under test (ESM): breaks the recorder on purpose (emit throws), then makes fetch and http calls.
// The calls must work exactly as without AgentTrace, with a single `agenttrace:` line on stderr.
import http from 'node:http';

const rec = globalThis[Symbol.for('agenttrace.recorder')];
if (rec) {
  rec.emit = () => {
    throw new Error('recorder broken by the test');
  };
}
const base = process.env.MOCK_URL;
const r = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'still works' }] }) });
console.log('fetch:', (await r.json()).choices[0].message.content);
const text = await new Promise((resolve, reject) => {
  http.get(`${base}/health`, (res) => {
    let t = '';
    res.on('data', (c) => (t += c));
    res.on('end', () => resolve(t));
  }).on('error', reject);
});
console.log('http:', text);
