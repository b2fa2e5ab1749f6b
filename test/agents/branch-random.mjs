// Branch test agent: a random roll and a UUID decide what it prints (no network), so edited values show in stdout.
import crypto from 'node:crypto';

const roll = Math.random();
console.log(`roll ${roll}`);
console.log(roll < 0.5 ? 'path: low' : 'path: high');
console.log(`id ${crypto.randomUUID()}`);
console.log(`at ${Date.now()}`);
