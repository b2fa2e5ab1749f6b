// Sandbox volume test: reads files on disk, then writes one and reads it back. Reports on stderr (not compared by the
// replay verdict) whether memfs is loaded at each point: in a replay it must be loaded by the first write only.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const memfsLoaded = () => Object.keys(require.cache).some((k) => k.includes(`${path.sep}memfs${path.sep}`));
const dir = process.argv[2];
console.log(`read: ${fs.readFileSync(path.join(dir, 'existing.txt'), 'utf8').trim()}`);
console.log(`listing: ${fs.readdirSync(dir).sort().join(',')}`);
process.stderr.write(`memfs before write: ${memfsLoaded()}\n`);
fs.writeFileSync(path.join(dir, 'new.txt'), 'written\n');
process.stderr.write(`memfs after write: ${memfsLoaded()}\n`);
console.log(`read back: ${fs.readFileSync(path.join(dir, 'new.txt'), 'utf8').trim()}`);
console.log(`listing: ${fs.readdirSync(dir).sort().join(',')}`);
