// Replay host tests: a tiny agent without network — three random values, tracked state, console output.
import { track } from 'agenttrace/sdk';

const memory = track('memory', { count: 0, rolls: [] });
for (let i = 0; i < 3; i++) {
  const r = Math.random();
  memory.count++;
  memory.rolls.push(Math.round(r * 1000));
  console.log(`roll ${i} ${r}`);
}
console.log('done', JSON.stringify(memory));
