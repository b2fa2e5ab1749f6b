// CLI test agent for the journal's crash-loss bound: prints its pid, then every 10 ms records a `tick` step without
// printing anything (so no output forces a journal flush) and notes the tick in the file named by argv[2] with a
// direct write. Runs until killed.
import fs from 'node:fs';

const rec = globalThis[Symbol.for('agenttrace.recorder')];
const fd = fs.openSync(process.argv[2], 'w');
process.stdout.write(`pid ${process.pid}\n`);
let i = 0;
setInterval(() => {
  i++;
  rec?.emit('step', { name: 'tick', input: i });
  fs.writeSync(fd, `${i}\n`);
}, 10);
