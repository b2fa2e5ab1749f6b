// CLI test agent for crash tests: prints its pid, then every 10 ms records a `tick` step (journal first) and prints
// `tick <i>`. Every printed tick is therefore already in the journal. Runs until killed, or for `--max N` ticks.
const rec = globalThis[Symbol.for('agenttrace.recorder')];
const maxAt = process.argv.indexOf('--max');
const max = maxAt >= 0 ? Number(process.argv[maxAt + 1]) : Infinity;
process.stdout.write(`pid ${process.pid}\n`);
let i = 0;
const timer = setInterval(() => {
  i++;
  rec?.emit('step', { name: 'tick', input: i });
  process.stdout.write(`tick ${i}\n`);
  if (i >= max) clearInterval(timer);
}, 10);
