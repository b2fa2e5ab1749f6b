// Determinism agent (ESM): reads every recorded source through named imports, default imports and globals, and
// prints what it got as one JSON line, so the test can compare it with the journal.
import crypto, { randomUUID, randomBytes, randomInt, randomFillSync, randomFill, getRandomValues, webcrypto } from 'node:crypto';
import { performance as perfImport } from 'node:perf_hooks';
import { hrtime } from 'node:process';
import { promisify } from 'node:util';
import { dateSemantics } from './det-semantics.mjs';

const hex = (b) => Buffer.from(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength).toString('hex');
const out = { random: [], uuid: [], bytes: [], int: [], grv: [], fill: [], time: {} };

out.random.push(Math.random(), Math.random(), Math.random());
out.uuid.push(randomUUID(), crypto.randomUUID(), globalThis.crypto.randomUUID(), webcrypto.randomUUID());
out.bytes.push(randomBytes(8).toString('hex'));
out.bytes.push((await promisify(randomBytes)(6)).toString('hex'));
out.int.push(randomInt(1000), randomInt(10, 20));
out.int.push(await new Promise((res, rej) => randomInt(5, 500, (e, v) => (e ? rej(e) : res(v)))));
out.grv.push(hex(getRandomValues(new Uint8Array(5))));
out.grv.push(hex(globalThis.crypto.getRandomValues(new Uint32Array(2))));
out.grv.push(hex(webcrypto.getRandomValues(new Uint8Array(3))));
const fb = Buffer.alloc(8);
randomFillSync(fb, 2, 4);
out.fill.push(fb.subarray(2, 6).toString('hex'));
const fb2 = new Uint8Array(4);
await new Promise((res, rej) => randomFill(fb2, (e) => (e ? rej(e) : res())));
out.fill.push(hex(fb2));

out.time.dateNow = Date.now();
out.time.newDate = new Date().getTime();
out.time.dateCall = Date();
out.time.perfNow = performance.now();
out.time.perfImport = perfImport.now();
out.time.hrtime = hrtime();
out.time.hrtimeBigint = String(hrtime.bigint());
out.time.processHrtime = process.hrtime();

out.semantics = dateSemantics();
console.log(JSON.stringify(out));
