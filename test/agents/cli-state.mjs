// CLI test agent using the public SDK API: tracked state changed inside steps, so keyframes (every N steps) and
// deltas come from the real SDK state capture. Prints the notes after each step.
import { step, track } from 'agenttrace/sdk';

const memory = track('memory', { notes: [], count: 0 });
for (let i = 0; i < 12; i++) {
  await step('think', { i }, async () => {
    memory.notes.push(`n${i}`);
    memory.count = i + 1;
  });
  console.log(`after step ${i}: ${memory.notes.length} notes`);
}
