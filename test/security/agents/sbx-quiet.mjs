// A quiet agent: it runs a child process that writes into its folder and pings a port, swallows any error, writes a
// file and changes a file's mode, and prints the same lines whatever happened. Usage: sbx-quiet.mjs <dir> <port>
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const [dir, port] = process.argv.slice(2);
console.log('start');
try {
  execFileSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'marker-child'))}, 'x'); require('net').connect(${Number(port)}, '127.0.0.1').on('error', () => {}).end()`]);
} catch {
  // A quiet agent: the output does not tell.
}
fs.writeFileSync(path.join(dir, 'out.txt'), 'written by the agent\n');
fs.chmodSync(path.join(dir, 'keep.txt'), 0o600);
console.log('end');
