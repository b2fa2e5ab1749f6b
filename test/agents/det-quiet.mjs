// Uses timers, console, fs, util.inspect, URL, JSON and stats — none of which is a determinism source — and reads
// exactly one clock value at the end. The journal must hold that one value and nothing else of kind random/time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';

await new Promise((res) => setTimeout(res, 20));
await new Promise((res) => setImmediate(res));
const iv = setInterval(() => {}, 5);
await new Promise((res) => setTimeout(res, 30));
clearInterval(iv);
console.log('hello', util.inspect(new Date(0)), new URL('https://example.com/a?b=1').href);
console.error('to stderr');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'det-quiet-'));
fs.writeFileSync(path.join(dir, 'x.txt'), 'x');
const st = fs.statSync(path.join(dir, 'x.txt'));
await fs.promises.readFile(path.join(dir, 'x.txt'));
fs.rmSync(dir, { recursive: true });
console.log(JSON.stringify({ mtimeIsDate: st.mtime instanceof Date, parsed: JSON.parse('{"a":1}').a }));
console.log(JSON.stringify({ last: Date.now() }));
