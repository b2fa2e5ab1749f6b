// Tracked state: mutates a tracked object between console lines and prints it (`STATE <json>`), so a test can
// rebuild the state at each printed step from keyframes + deltas and compare. Also sets a user global, writes a
// file, and tracks an object JSON cannot represent (cycle, function, Map, Set, BigInt).
import fs from 'node:fs';
import path from 'node:path';
import { track } from 'agenttrace/sdk';

const memory = track('memory', { goal: 'plan a trip', notes: [], budget: { total: 1000, spent: 0 }, done: false });
const odd = { name: 'odd', fn() {}, big: 10n, map: new Map([['a', 1]]), set: new Set([1, 2]), when: new Date(0) };
odd.self = odd;
track('odd', odd);
globalThis.agentScratch = { visited: ['start'] };

const print = () => console.log(`STATE ${JSON.stringify(memory)}`);
print();
for (let i = 0; i < 12; i++) {
  memory.notes.push(`note ${i}`);
  memory.budget.spent += 50 * i;
  if (i % 4 === 3) delete memory.goal;
  if (i % 4 === 0) memory.goal = `goal v${i}`;
  if (i === 6) memory.notes = memory.notes.slice(2);
  if (i === 8) globalThis.agentScratch.visited.push('middle');
  print();
}
memory.done = true;
const out = path.join(process.env.AGENT_OUT_DIR ?? '.', 'result.txt');
fs.writeFileSync(out, `spent ${memory.budget.spent}\n`);
console.log(`WROTE ${out}`);
print();
