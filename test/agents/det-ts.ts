// Determinism agent (TypeScript, run through tsx): typed named imports.
import { randomUUID, randomBytes } from 'node:crypto';

interface Out {
  random: number[];
  uuid: string[];
  bytes: string[];
  time: { dateNow: number; newDate: number; perfNow: number };
}

const out: Out = {
  random: [Math.random()],
  uuid: [randomUUID()],
  bytes: [randomBytes(3).toString('hex')],
  time: { dateNow: Date.now(), newDate: new Date().getTime(), perfNow: performance.now() },
};
console.log(JSON.stringify(out));
