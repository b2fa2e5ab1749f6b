// Agent under test (CJS): exits with process.exit right after its calls complete; their responses must be recorded.
const http = require('node:http');

const base = process.env.MOCK_URL;
http.get(`${base}/health`, (res) => {
  res.resume();
  res.on('end', async () => {
    const r = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'bye' }] }) });
    console.log((await r.json()).choices[0].message.content);
    process.exit(3);
  });
});
