// Replay jump/resume agent: six rounds, each draws a random roll and a UUID, stores them in tracked state and
// prints a line. Before a jump step everything comes from the tape; after a resume step the values are fresh.
import crypto from 'node:crypto';
import { track } from 'agenttrace/sdk';

const memory = track('memory', { rolls: [], ids: [], round: 0 });
for (let i = 0; i < 6; i++) {
  memory.rolls.push(Math.floor(Math.random() * 1_000_000));
  memory.ids.push(crypto.randomUUID());
  memory.round = i + 1;
  console.log(`round ${i} roll ${memory.rolls[i]} id ${memory.ids[i]} at ${Date.now()}`);
}
console.log(`done ${JSON.stringify(memory)}`);
