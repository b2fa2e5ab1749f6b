// Writes files through every path that is not a whole-file writeFile: fds (sync and callback), FileHandles
// (write, writeFile, appendFile), a write stream, appendFile by path, a rename and a rename onto an existing file.
// argv[2] is the working directory (it must exist); prints the names it wrote.
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

const dir = process.argv[2];
const p = (name) => path.join(dir, name);

const fd = fs.openSync(p('fd.txt'), 'w');
fs.writeSync(fd, 'fd line one\n');
await new Promise((res, rej) => fs.write(fd, 'fd line two\n', (e) => (e ? rej(e) : res())));
fs.closeSync(fd);

const h = await open(p('handle.txt'), 'w');
await h.write('handle write\n');
await h.writeFile('handle writeFile\n');
await h.appendFile('handle appendFile\n');
await h.close();

const ws = fs.createWriteStream(p('stream.log'));
// The first chunk on its own (written once the stream opened), the next two buffered together.
await new Promise((res, rej) => ws.write('stream one\n', (e) => (e ? rej(e) : res())));
for (const line of ['stream two\n', 'stream three\n']) ws.write(line);
await new Promise((res, rej) => ws.end((e) => (e ? rej(e) : res())));

fs.appendFileSync(p('append.txt'), 'appended\n');

// An existing file (not written by this run) renamed, and a written file renamed onto an existing one.
fs.renameSync(p('existing.txt'), p('moved.txt'));
fs.writeFileSync(p('draft.txt'), 'final text\n');
fs.renameSync(p('draft.txt'), p('target.txt'));

console.log(JSON.stringify({ wrote: ['fd.txt', 'handle.txt', 'stream.log', 'append.txt', 'moved.txt', 'target.txt'] }));
