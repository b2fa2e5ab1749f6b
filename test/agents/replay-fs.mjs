// File-system agent for the replay sandbox test: writes, appends, renames, copies, truncates and deletes files
// through every fs API (sync, callback, promises, fds, FileHandles, streams), on new files and on files that were
// on disk before it started, and prints everything it reads back (relative paths only), then the whole tree.
// argv[2] is the working directory (it chdirs there, so error messages carry relative paths).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

process.chdir(process.argv[2]);
const lines = [];
const show = (label, v) => lines.push(`${label}: ${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v)}`);
const read = (p) => readFileSync(p, 'utf8');
const cb = (fn, ...args) => new Promise((res, rej) => fn(...args, (e, v) => (e ? rej(e) : res(v))));
const errOf = (fn) => {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return `${e.code}: ${e.message}`;
  }
};

// --- sync API
writeFileSync('s.txt', 'sync-1\n');
fs.appendFileSync('s.txt', 'sync-2\n');
fs.appendFileSync('existing.txt', 'appended to a disk file\n');
const fd = fs.openSync('fd.txt', 'w');
fs.writeSync(fd, 'fd-line\n');
fs.writeSync(fd, Buffer.from('xxBUFxx'), 2, 3);
fs.writevSync(fd, [Buffer.from('v1'), Buffer.from('v2\n')]);
fs.ftruncateSync(fd, 10);
fs.closeSync(fd);
fs.mkdirSync('made/deep', { recursive: true });
fs.copyFileSync('existing.txt', 'made/deep/copy.txt');
fs.cpSync('keep', 'keep-copy', { recursive: true });
fs.renameSync('to-rename.txt', 'renamed.txt');
fs.truncateSync('trunc-me.txt', 4);
fs.unlinkSync('to-delete.txt');
fs.rmSync('old-dir', { recursive: true });
fs.mkdirSync('empty');
fs.rmdirSync('empty');
const tmp = fs.mkdtempSync('tmp-');
fs.writeFileSync(path.join(tmp, 'in-tmp.txt'), 'temp');
fs.renameSync('move-dir', 'moved-dir');
fs.writeFileSync('keep/added.txt', 'added into a disk directory');
show('s.txt', read('s.txt'));
show('existing.txt', read('existing.txt'));
show('fd.txt', read('fd.txt'));
show('copy', read('made/deep/copy.txt'));
show('keep-copy', read('keep-copy/inner.txt'));
show('renamed', read('renamed.txt'));
show('trunc', read('trunc-me.txt'));
show('moved-dir', read('moved-dir/m.txt'));
show('in-tmp', read(path.join(tmp, 'in-tmp.txt')));
show('mkdtemp', tmp);
show('gone', [existsSync('to-delete.txt'), existsSync('to-rename.txt'), existsSync('old-dir'), existsSync('old-dir/a.txt'), existsSync('move-dir')]);
show('read deleted', errOf(() => readFileSync('to-delete.txt')));
show('write into missing dir', errOf(() => writeFileSync('nope/x.txt', 'x')));
show('mkdir existing', errOf(() => fs.mkdirSync('keep')));
show('rmdir non-empty', errOf(() => fs.rmdirSync('keep')));
show('stat', [fs.statSync('s.txt').size, fs.statSync('made').isDirectory(), fs.lstatSync('renamed.txt').isFile(), fs.statSync('gone.txt', { throwIfNoEntry: false }) ?? null]);
show('access', errOf(() => fs.accessSync('renamed.txt')) + ' / ' + errOf(() => fs.accessSync('to-rename.txt')));

// --- callback API
await cb(fs.writeFile, 'c.txt', 'cb-1\n');
await cb(fs.appendFile, 'c.txt', 'cb-2\n');
const cfd = await cb(fs.open, 'cfd.txt', 'w');
await new Promise((res, rej) => fs.write(cfd, 'cb-fd\n', (e, n, s) => (e ? rej(e) : res(lines.push(`cb write: ${n} ${JSON.stringify(s)}`)))));
await cb(fs.close, cfd);
await cb(fs.mkdir, 'cbdir/sub', { recursive: true });
await cb(fs.copyFile, 'c.txt', 'cbdir/sub/c-copy.txt');
await cb(fs.cp, 'cbdir', 'cbdir-copy', { recursive: true });
await cb(fs.rename, 'cbdir-copy/sub/c-copy.txt', 'cbdir-copy/c-moved.txt');
await cb(fs.truncate, 'c.txt', 3);
await cb(fs.unlink, 'cbdir/sub/c-copy.txt');
await cb(fs.rmdir, 'cbdir/sub');
await cb(fs.rm, 'keep-copy', { recursive: true });
show('c.txt', await cb(fs.readFile, 'c.txt', 'utf8'));
show('cfd.txt', read('cfd.txt'));
show('c-moved', await cb(fs.readFile, 'cbdir-copy/c-moved.txt', 'utf8'));
show('cb stat', (await cb(fs.stat, 'cfd.txt')).size);
show('cb readdir', (await cb(fs.readdir, 'cbdir')).sort());
show('cb read missing', await cb(fs.readFile, 'keep-copy/inner.txt').catch((e) => e.message));
show('exists cb', await new Promise((res) => fs.exists('keep-copy', res)));

// --- promises API
await fsp.writeFile('p.txt', 'p-1\n');
await fsp.appendFile('p.txt', 'p-2\n');
await fsp.mkdir('pdir/a/b', { recursive: true });
await fsp.copyFile('p.txt', 'pdir/a/b/p-copy.txt');
await fsp.cp('pdir', 'pdir-copy', { recursive: true });
await fsp.rename('pdir-copy/a/b/p-copy.txt', 'pdir-copy/p-moved.txt');
await fsp.truncate('p.txt', 2);
await fsp.unlink('pdir/a/b/p-copy.txt');
await fsp.rmdir('pdir/a/b');
await fsp.rm('pdir-copy/a', { recursive: true });
const h = await fsp.open('handle.txt', 'w+');
await h.write('handle-1\n');
await h.write(Buffer.from('handle-2\n'));
await h.appendFile('handle-3\n');
await h.truncate(14);
await h.close();
const h2 = await fsp.open('existing2.txt', 'a');
await fsp.writeFile(h2, 'via promises.writeFile(handle)\n');
await h2.close();
show('p.txt', await fsp.readFile('p.txt', 'utf8'));
show('p-moved', await fsp.readFile('pdir-copy/p-moved.txt', 'utf8'));
show('handle.txt', await fsp.readFile('handle.txt', 'utf8'));
show('existing2.txt', read('existing2.txt'));
show('p readdir', (await fsp.readdir('pdir-copy')).sort());
show('p readdir types', (await fsp.readdir('.', { withFileTypes: true })).map((d) => `${d.name}${d.isDirectory() ? '/' : ''}`).sort());
show('p access', await fsp.access('pdir-copy/a').then(() => 'ok', (e) => e.code));
show('p stat', (await fsp.stat('handle.txt')).size);
const rh = await fsp.open('handle.txt', 'r');
const { bytesRead, buffer } = await rh.read(Buffer.alloc(8), 0, 8, 0);
show('handle read', buffer.subarray(0, bytesRead).toString());
await rh.close();
const rdisk = await fsp.open('existing.txt', 'r');
show('disk handle read', (await rdisk.readFile('utf8')).split('\n')[0]);
await rdisk.close();

// --- streams and fd reads
await new Promise((res, rej) => {
  const ws = fs.createWriteStream('stream.txt');
  ws.on('error', rej);
  ws.write('chunk-1 ');
  ws.write(Buffer.from('chunk-2 '));
  ws.end('end', res);
});
await new Promise((res, rej) => {
  const ws = fs.createWriteStream('existing.txt', { flags: 'a' });
  ws.on('error', rej);
  ws.end('streamed onto a disk file\n', res);
});
const streamed = await new Promise((res, rej) => {
  let s = '';
  fs.createReadStream('stream.txt', 'utf8')
    .on('data', (c) => (s += c))
    .on('end', () => res(s))
    .on('error', rej);
});
show('stream.txt', streamed);
const rfd = fs.openSync('fd.txt', 'r');
const rb = Buffer.alloc(4);
fs.readSync(rfd, rb, 0, 4, 0);
show('fd read', rb.toString());
show('fstat', fs.fstatSync(rfd).size);
fs.closeSync(rfd);
show('promisified read', await promisify(fs.readFile)('s.txt', 'utf8'));

// --- the whole tree as the agent sees it
const walk = (d) =>
  fs
    .readdirSync(d)
    .sort()
    .flatMap((n) => {
      const p = path.join(d, n);
      return fs.statSync(p).isDirectory() ? [`${p}/`, ...walk(p)] : [`${p} = ${JSON.stringify(read(p))}`];
    });
lines.push(...walk('.'));
console.log(lines.join('\n'));
