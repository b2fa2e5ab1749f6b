// Steps and tools: nested async/sync steps, a tool wrapper with arguments, a failing step the agent catches, and a
// snapshot inside a function (its locals must be captured). Prints a summary so a run without AgentTrace (where
// the API is a no-op) can be compared.
import { step, tool, snapshot } from 'agenttrace/sdk';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const search = tool('search', async function (query, limit) {
  await sleep(15);
  return { query, hits: [`${query} #1`, `${query} #2`].slice(0, limit), self: this?.tag ?? null };
});
const add = tool('add', (a, b) => a + b);

function checkpoint(city) {
  const answer = 42;
  const plan = { city, days: 3 };
  snapshot('checkpoint');
  return answer + plan.days;
}

const result = await step('outer', { task: 'trip' }, async () => {
  const found = await search.call({ tag: 'ctx' }, 'paris', 1);
  const sum = step('inner-sync', () => add(2, 3));
  let failure = null;
  try {
    await step('failing', async () => {
      await sleep(1);
      throw new TypeError('boom in step');
    });
  } catch (e) {
    failure = e.message;
  }
  return { found: found.hits, sum, failure, check: checkpoint('paris') };
});
console.log('RESULT', JSON.stringify(result));
