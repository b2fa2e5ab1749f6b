// File-writing agent (ESM): every kind of write the SDK records, through named imports, the default export,
// fs/promises, fds, FileHandles and streams. argv[2] is the working directory; prints a JSON summary.
import fs, { writeFileSync, appendFileSync, openSync, writeSync, writevSync, closeSync } from 'node:fs';
import { writeFile, appendFile, open, mkdir, rm, cp, mkdtemp } from 'node:fs/promises';
import path from 'node:path';

const dir = process.argv[2];
const p = (name) => path.join(dir, name);

writeFileSync(p('a.txt'), 'alpha\n');
appendFileSync(p('a.txt'), 'beta\n');
fs.writeFileSync(p('bin.dat'), Buffer.from([0, 255, 1, 254]));
fs.writeFileSync(p('latin.txt'), 'caf\u00e9', 'latin1');
fs.writeFileSync(p('flag-append.txt'), 'one');
fs.writeFileSync(p('flag-append.txt'), 'two', { flag: 'a' });
await writeFile(p('b.txt'), 'promised');
await appendFile(p('b.txt'), ' and appended');
await new Promise((res, rej) => fs.writeFile(p('c.txt'), 'called back', (e) => (e ? rej(e) : res())));
await new Promise((res, rej) => fs.appendFile(p('c.txt'), '!', (e) => (e ? rej(e) : res())));

const fd = openSync(p('fd.txt'), 'w');
writeSync(fd, 'fd-line\n');
writeSync(fd, Buffer.from('xxBUFFERxx'), 2, 6);
writevSync(fd, [Buffer.from('v1'), Buffer.from('v2\n')]);
await new Promise((res, rej) => fs.write(fd, 'async\n', (e) => (e ? rej(e) : res())));
fs.ftruncateSync(fd, 20);
closeSync(fd);
const rfd = openSync(p('a.txt'), 'r');
closeSync(rfd);

const h = await open(p('handle.txt'), 'w+');
await h.write('handle-1\n');
await h.write(Buffer.from('handle-2\n'));
await h.appendFile('handle-3\n');
await h.truncate(12);
await h.close();
await writeFile(p('handle2.txt'), 'x');
const h2 = await open(p('handle2.txt'), 'a');
await writeFile(h2, 'via promises.writeFile(handle)');
await h2.close();

await new Promise((res, rej) => {
  const ws = fs.createWriteStream(p('stream.txt'));
  ws.on('error', rej);
  ws.write('chunk-1 ');
  ws.write(Buffer.from('chunk-2 '));
  ws.end('end', res);
});

await mkdir(p('tree/deep'), { recursive: true });
fs.writeFileSync(p('tree/deep/leaf.txt'), 'leaf');
await cp(p('tree'), p('tree-copy'), { recursive: true });
fs.cpSync(p('tree'), p('tree-copy2'), { recursive: true });
fs.copyFileSync(p('a.txt'), p('a-copy.txt'));
await new Promise((res, rej) => fs.copyFile(p('b.txt'), p('b-copy.txt'), (e) => (e ? rej(e) : res())));
fs.renameSync(p('a-copy.txt'), p('a-moved.txt'));
fs.truncateSync(p('a-moved.txt'), 5);
fs.unlinkSync(p('b-copy.txt'));
fs.rmSync(p('tree-copy2'), { recursive: true });
await rm(p('tree-copy'), { recursive: true });
fs.mkdirSync(p('empty'));
fs.rmdirSync(p('empty'));
const tmp = await mkdtemp(p('tmp-'));
let failed = '';
try {
  fs.writeFileSync(p('missing/x.txt'), 'never');
} catch (e) {
  failed = e.code;
}
fs.writeFileSync(p('secret.txt'), `key=${process.env.OPENAI_API_KEY}\n`);
// The recorder's own home is never recorded.
if (process.env.AGENTTRACE_HOME) {
  fs.mkdirSync(process.env.AGENTTRACE_HOME, { recursive: true });
fs.writeFileSync(path.join(process.env.AGENTTRACE_HOME, 'own.txt'), 'not recorded');
}

console.log(JSON.stringify({ tmp, failed }));
