// Built-in fetch must not put its own clock reads on the tape: only the agent's two Date.now() calls may appear.
const base = process.env.MOCK_URL;
const t0 = Date.now();
const res = await fetch(`${base}/health`);
const text = await res.text();
const t1 = Date.now();
console.log(JSON.stringify({ text, ordered: t1 >= t0 }));
