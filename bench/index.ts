/**
 * `npm run bench`: every performance figure of AgentTrace, each measured against a baseline in the same run
 * (never in timed tests). Prints one line per figure with its goal, and a JSON summary at the end.
 */
import { benchNetLatency } from './netLatency.js';
import { benchRandom } from './determinism.js';
import { benchIngest } from './storeIngest.js';

interface Figure {
  name: string;
  value: string;
  goal: string;
  met: boolean;
}

const figures: Figure[] = [];
const out = (f: Figure): void => {
  figures.push(f);
  console.log(`${f.met ? 'ok  ' : 'MISS'}  ${f.name.padEnd(44)} ${f.value.padEnd(34)} goal ${f.goal}`);
};

const net = await benchNetLatency();
out({ name: 'added latency per call, fetch (median)', value: `${net.fetchMedianAddedMs.toFixed(3)} ms vs unrecorded`, goal: '<= 0.2 ms', met: net.fetchMedianAddedMs <= 0.2 });
out({ name: 'added latency per call, http.request (median)', value: `${net.httpMedianAddedMs.toFixed(3)} ms vs unrecorded`, goal: '<= 0.2 ms', met: net.httpMedianAddedMs <= 0.2 });
out({ name: 'added latency to first streamed chunk', value: `${net.firstChunkAddedMs.toFixed(3)} ms vs unrecorded`, goal: '<= 2 ms', met: net.firstChunkAddedMs <= 2 });

const rnd = await benchRandom();
out({ name: 'Math.random recorded vs native', value: `${rnd.ratio.toFixed(2)}x (${rnd.recordedNsPerCall.toFixed(1)} vs ${rnd.nativeNsPerCall.toFixed(1)} ns)`, goal: '<= 3x', met: rnd.ratio <= 3 });

const ing = await benchIngest();
out({ name: 'store ingest', value: `${ing.eventsPerSec.toLocaleString('en')} events/s`, goal: '>= 100,000/s', met: ing.eventsPerSec >= 100_000 });
out({ name: 'store ingest with Math.random batches', value: `${ing.withBatchesPerSec.toLocaleString('en')} values/s`, goal: '>= 100,000/s', met: ing.withBatchesPerSec >= 100_000 });

console.log(JSON.stringify({ figures }, null, 0));
