// Replay host tests: a crash target. Writes its pid to AGENT_PID_FILE (not to stdout: the pid is not replayed), then
// every 10 ms draws a random number and prints a tick line, until it is killed.
import fs from 'node:fs';

if (process.env.AGENT_PID_FILE) fs.writeFileSync(process.env.AGENT_PID_FILE, String(process.pid));
let i = 0;
setInterval(() => {
  i++;
  console.log(`tick ${i} ${Math.random().toFixed(6)}`);
}, 10);
