// Crashes in the way chosen by argv[2]; used to compare recorded and unrecorded deaths (exit code, stderr).
import { step, tool } from 'agenttrace/sdk';

const mode = process.argv[2] ?? 'sync';

function validate(order) {
  const limit = 3;
  const total = order.items.length;
  if (total > limit) throw new RangeError(`too many items: ${total} > ${limit}`);
  return total;
}

async function fetchPlan(goal) {
  const attempts = 2;
  await new Promise((r) => setTimeout(r, 5));
  throw new Error(`planner failed for ${goal} after ${attempts} attempts`);
}

console.log('agent starting', mode);
if (mode === 'sync') {
  setTimeout(function onTick() {
    const order = { id: 'o-17', items: [1, 2, 3, 4, 5] };
    validate(order);
  }, 1);
} else if (mode === 'toplevel') {
  const order = { id: 'o-top', items: [1, 2, 3, 4] };
  validate(order);
} else if (mode === 'rejection') {
  fetchPlan('world domination');
} else if (mode === 'awaited') {
  const goal = 'awaited goal';
  await fetchPlan(goal);
} else if (mode === 'nonerror') {
  setTimeout(() => {
    throw { code: 42, reason: 'not an Error' };
  }, 1);
} else if (mode === 'step-async') {
  // A crash inside an async step and a tool: the printed stack must not show the SDK's wrappers differently.
  const lookup = tool('lookup', async (key) => {
    await new Promise((r) => setTimeout(r, 2));
    const table = { a: 1 };
    if (!(key in table)) throw new ReferenceError(`no entry ${key}`);
    return table[key];
  });
  async function main() {
    await step('resolve', { key: 'zz' }, async () => lookup('zz'));
  }
  main();
} else if (mode === 'step-sync') {
  setTimeout(() => step('parse', { n: 1 }, () => JSON.parse('{broken')), 1);
} else if (mode === 'exitcode') {
  process.exitCode = 3;
} else if (mode === 'exit') {
  process.exit(5);
}
