// Determinism agent (CommonJS): destructured requires and globals, printed as one JSON line.
const { randomUUID, randomBytes, randomInt } = require('crypto');
const cryptoMod = require('node:crypto');
const { performance } = require('perf_hooks');

const out = {
  random: [Math.random(), Math.random()],
  uuid: [randomUUID(), cryptoMod.randomUUID()],
  bytes: [randomBytes(4).toString('hex')],
  int: [randomInt(100)],
  grv: [Buffer.from(cryptoMod.getRandomValues(new Uint8Array(4))).toString('hex')],
  time: { dateNow: Date.now(), newDate: new Date().getTime(), perfNow: performance.now(), hrtimeBigint: String(process.hrtime.bigint()) },
};
console.log(JSON.stringify(out));
