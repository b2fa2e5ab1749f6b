// Writes the file named by LAUNCH_MARKER as its first act: a test sees whether any of the agent's code ran.
import fs from 'node:fs';
fs.writeFileSync(process.env.LAUNCH_MARKER, 'ran');
console.log('ran');
