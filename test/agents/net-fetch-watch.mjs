// How many stack captures the SDK makes for the agent's clock reads around built-in fetch calls (stack-captures.mjs).
// Prints one JSON line: reads while a fetch is in flight are checked (one capture each); reads after a fetch resolved
// with a body, or after one without a body resolved, are not (fetchWatch.test.ts).
import { captures } from './stack-captures.mjs';

const counted = (fn) => {
  const before = captures();
  fn();
  return captures() - before;
};
const base = process.env.RAW_URL;
const threeReads = () => [Date.now(), Date.now(), Date.now()];

const inFlight = fetch(`${base}/text`);
const whileInFlight = counted(threeReads);
const res = await inFlight;
const afterResolved = counted(threeReads);
const text = await res.text();
const afterBody = counted(threeReads);
const noContent = await fetch(`${base}/no-content`);
const afterNoBody = counted(threeReads);
console.log(JSON.stringify({ text, noContent: noContent.status, whileInFlight, afterResolved, afterBody, afterNoBody }));
