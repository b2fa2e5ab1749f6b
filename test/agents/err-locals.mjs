// Failures whose locals must be the failing pass's own (argv[2] picks one). Each loop iteration calls the mock LLM
// and logs, so locals captures at calls and keyframes spend their time budget long before the failure.
import OpenAI from 'openai';

const mode = process.argv[2] ?? 'loop';
const client = new OpenAI({ apiKey: 'sk-test-err-locals-0000', baseURL: `${process.env.MOCK_LLM_URL}/v1`, maxRetries: 0 });
const cities = ['Lima', 'Oslo', 'Cairo', 'Tokyo', 'Paris', 'Delhi', 'Quito', 'Rome', 'Bern', 'Atlantis'];
const population = { Lima: 10.1, Oslo: 0.7, Cairo: 21.3, Tokyo: 37.2, Paris: 11.1, Delhi: 32.9, Quito: 2.8, Rome: 4.3, Bern: 0.4 };

async function describeCity(city, i) {
  const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Describe ${city}` }] });
  for (let k = 0; k < 30; k++) console.log(`city ${i} line ${k}`);
  return res.choices[0].message.content;
}

function populationOf(city) {
  const millions = population[city];
  if (millions === undefined) throw new Error(`no population for ${city}`);
  return millions;
}

async function loop() {
  const notes = [];
  for (let i = 0; i < cities.length; i++) {
    const city = cities[i];
    const text = await describeCity(city, i);
    // Caught failures at the same throw site on earlier passes must not stand in for the last one.
    try {
      populationOf(i % 3 === 0 ? `${city}-old` : city);
    } catch {
      notes.push(`retry ${city}`);
    }
    notes.push(`${city}: ${populationOf(city)}M, ${text.length} chars`);
  }
  return notes;
}

async function inner(order) {
  await new Promise((r) => setTimeout(r, 2));
  const limit = order.items.length - 1;
  throw new RangeError(`order ${order.id} over limit ${limit}`);
}
async function middle(id) {
  const order = { id, items: ['a', 'b', 'c'] };
  return await inner(order);
}
async function outer() {
  const label = 'outer-label';
  await middle('o-42');
  return label;
}

function mapCallback() {
  const prices = [3, 5, -1, 7];
  return prices.map((price, idx) => {
    const doubled = price * 2;
    if (price < 0) throw new RangeError(`negative price at ${idx}`);
    return doubled;
  });
}

function readName(user) {
  const greeting = 'Hello';
  return `${greeting} ${user.profile.name}`;
}

function rethrow() {
  const attempt = 3;
  try {
    JSON.parse('{"broken": ');
  } catch (err) {
    const context = `attempt ${attempt}`;
    throw err;
  }
}

if (mode === 'loop') await loop();
else if (mode === 'async') outer();
else if (mode === 'map') setTimeout(() => mapCallback(), 1);
else if (mode === 'timeout') {
  const batch = { id: 'b-7', size: 4 };
  setTimeout(function onTimer() {
    const remaining = batch.size - 5;
    if (remaining < 0) throw new Error(`batch ${batch.id} short by ${-remaining}`);
  }, 1);
} else if (mode === 'then') {
  Promise.resolve({ status: 'partial', items: 2 }).then((reply) => {
    const expected = 3;
    if (reply.items < expected) throw new Error(`got ${reply.items} of ${expected}`);
  });
} else if (mode === 'missing') {
  const users = [{ id: 1, profile: { name: 'Ada' } }, { id: 2 }];
  for (const u of users) console.log(readName(u));
} else if (mode === 'rethrow') setTimeout(rethrow, 1);
else if (mode === 'reply-field') {
  // A TypeError on a field of an LLM-derived object in a late pass, after calls and keyframes: no throw statement.
  for (let i = 0; i < 6; i++) {
    const text = await describeCity(cities[i], i);
    const parsed = i === 4 ? { words: text.split(' ') } : { meta: { words: text.split(' ').length } };
    console.log(`pass ${i}: ${parsed.meta.words} words`);
  }
} else if (mode === 'disk-flag') {
  // Depends on a file the run deletes for real: a replay (virtual fs, the file already gone) takes the other path,
  // so it cannot stand for the recording at the error.
  const fs = await import('node:fs');
  const flag = process.argv[3];
  const seen = fs.existsSync(flag);
  if (seen) fs.unlinkSync(flag);
  const settings = seen ? {} : { limits: { max: 3 } };
  console.log(`max ${settings.limits.max}`);
}
