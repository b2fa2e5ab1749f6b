// CLI test agent that leaks credentials everywhere it can: stdout, stderr, a step payload, tracked state.
const rec = globalThis[Symbol.for('agenttrace.recorder')];
const key = process.env.ACME_API_KEY;
console.log(`using key ${key}`);
console.error('openai key sk-proj-FAKEFAKEFAKE1234567890 and groq gsk_FAKEFAKEFAKE0987654321');
rec?.emit('step', { name: 'auth', input: { header: `Bearer ${key}`, apiKey: key } });
