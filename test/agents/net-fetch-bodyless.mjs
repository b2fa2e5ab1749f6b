// Built-in fetch calls that end without a response body (HEAD, 204, a refused connection, a forbidden port, an
// aborted request), one whose body is never read, and agent clock reads while fetches are in flight: only the
// agent's own Date.now() reads may reach the tape, in recording and in replay alike (fetchBodyless.test.ts).
import perfHooks from 'node:perf_hooks';
import stream from 'node:stream';

const base = process.env.RAW_URL;
const finished = stream.finished;
const reads = [];
const tick = () => reads.push(Date.now());
const outcome = async (p) => {
  try {
    const res = await p;
    return `${res.status}`;
  } catch (e) {
    return `${e.name}: ${e.cause?.code ?? e.message}`;
  }
};
tick();
console.log('head', await outcome(fetch(`${base}/empty`, { method: 'HEAD' })));
tick();
console.log('204', await outcome(fetch(`${base}/no-content`)));
tick();
console.log('refused', await outcome(fetch(`http://127.0.0.1:${process.env.CLOSED_PORT}/x`)));
tick();
console.log('forbidden port', await outcome(fetch('http://127.0.0.1:1/x')));
const ac = new AbortController();
const aborted = outcome(fetch(`${base}/slow`, { signal: ac.signal }));
tick();
ac.abort();
console.log('aborted', await aborted);
tick();
// In flight together, with the agent reading the clock meanwhile; one body is never read.
const pending = [fetch(`${base}/no-content`), fetch(`${base}/empty`, { method: 'HEAD' }), fetch(`${base}/text`)];
tick();
const [a, b, c] = await Promise.all(pending);
tick();
console.log('together', a.status, b.status, c.status);
const t = await fetch(`${base}/text`);
tick();
console.log('text', await t.text());
tick();
console.log(`reads ${reads.length} ordered ${reads.every((v, i) => i === 0 || v >= reads[i - 1])}`);
// What the SDK swapped while Node's undici loaded is back for everyone else.
console.log(`own modules ${stream.finished === finished && perfHooks.performance === globalThis.performance}`);
