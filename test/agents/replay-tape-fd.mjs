// Replay tape handover test: draws values and prints them, and whether descriptor 3 is a socket (the host hands a
// replay its tape on a socket at fd 3; the SDK must close it once read, so the agent finds what it found recording).
import fs from 'node:fs';

let socket = false;
try {
  socket = fs.fstatSync(3).isSocket();
} catch {
  // EBADF: nothing there.
}
console.log(`fd 3 is a socket: ${socket}`);
for (let i = 0; i < 3; i++) console.log(`roll ${Math.floor(Math.random() * 1000)} at ${Date.now()}`);
