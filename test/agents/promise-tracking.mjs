// Whether Node tracks promises (async ids on promise continuations) before and after the agent's first fetch: the
// recorder's own work (journal ticks, a sync file write, console capture, random values) must not turn it on.
import { executionAsyncId } from 'node:async_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const tracked = () => Promise.resolve().then(() => executionAsyncId() !== 0);
const seen = { atStart: await tracked() };
fs.writeFileSync(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-pt-')), 'note.txt'), `r=${Math.random()}`);
console.log('working');
await new Promise((r) => setTimeout(r, 80)); // several journal flush ticks
seen.beforeFetch = await tracked();
const res = await fetch(`${process.env.MOCK_URL}/health`);
await res.text();
seen.afterFetch = await tracked();
console.log(JSON.stringify(seen));
