/**
 * `npm run bench`: every performance figure of AgentTrace, each measured against a baseline in the same run
 * (never in timed tests). Prints one line per figure with its goal, and a JSON summary at the end.
 */
import { benchNetLatency } from './netLatency.js';
import { benchRandom } from './determinism.js';
import { benchIngest } from './storeIngest.js';
import { benchReplay } from './replay.js';
import { benchReplayRandom } from './replayRandom.js';
import { benchUi } from './ui.js';
import { benchAutofix } from './autofix.js';

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

const rr = await benchReplayRandom();
out({ name: 'Math.random replayed vs native', value: `${rr.ratio.toFixed(2)}x (${rr.replayedNsPerCall.toFixed(1)} vs ${rr.nativeNsPerCall.toFixed(1)} ns)`, goal: '<= 3x', met: rr.ratio <= 3 });

const ing = await benchIngest();
out({ name: 'store ingest', value: `${ing.eventsPerSec.toLocaleString('en')} events/s`, goal: '>= 100,000/s', met: ing.eventsPerSec >= 100_000 });
out({ name: 'store ingest with Math.random batches', value: `${ing.withBatchesPerSec.toLocaleString('en')} values/s`, goal: '>= 100,000/s', met: ing.withBatchesPerSec >= 100_000 });

const rep = await benchReplay();
const sp = rep.speed;
out({
  name: `replay speed-up, ${sp.calls} LLM calls @20 ms (event span)`,
  value: `${sp.spanRatio.toFixed(1)}x (${Math.round(sp.recordSpanMs)} vs ${Math.round(sp.replaySpanMs)} ms)${sp.verified ? '' : ' NOT VERIFIED'}`,
  goal: '>= 20x',
  met: sp.verified && sp.spanRatio >= 20,
});
out({ name: 'replay speed-up, whole agent process (wall)', value: `${sp.wallRatio.toFixed(1)}x (${Math.round(sp.recordWallMs)} vs ${Math.round(sp.replayWallMs)} ms)`, goal: 'reference', met: true });
out({ name: `seek: state + event at a random step, ${rep.seek.events / 1000}k events`, value: `median ${rep.seek.medianMs.toFixed(2)} ms, p95 ${rep.seek.p95Ms.toFixed(2)} ms`, goal: '< 50 ms', met: rep.seek.p95Ms < 50 });
out({ name: 'seek: whole `agenttrace show --step N` process', value: `${Math.round(rep.seek.cliMs)} ms (node startup included)`, goal: 'reference', met: true });

const fx = await benchAutofix();
out({
  name: `fix --no-ai, ${fx.calls}-call failing run (whole CLI)`,
  value: `${Math.round(fx.fixMs)} ms = ${(fx.fixMs / fx.replayMs).toFixed(1)}x one replay (${Math.round(fx.replayMs)} ms); ${fx.replays} replays`,
  goal: '< 5000 ms',
  met: fx.fixMs < 5000,
});
out({ name: '  fix result', value: `root cause ${fx.rootCause}; ${fx.candidates} candidates, best ${fx.bestVerdict}`, goal: 'reference', met: true });

const ui = await benchUi();
const ms = (x: number): string => `${Math.round(x)} ms`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
if (ui.staleBuild) console.log(`note  the workbench figures are of an older build: ${ui.staleBuild}`);
for (const [f, name] of [
  [ui.timeline, `open ${Math.round(ui.data.bigEvents / 1000)}k-event trace: timeline rendered`],
  [ui.graph, `open trace with ${ui.data.treeRuns - 1} branches: graph rendered`],
] as const) {
  out({ name, value: `${ms(f.medianMs)} = ${f.ratio.toFixed(1)}x baseline (${ms(f.baselineMs)})`, goal: '< 1500 ms', met: f.medianMs < 1500 });
}
const { big, branched, tiny } = ui;
const thread = (o: typeof big): string => `script ${ms(o.scriptMs)}, style ${ms(o.styleMs)}, layout ${ms(o.layoutMs)}`;
out({ name: '  baseline: 30-event trace, 1-node graph', value: `timeline ${ms(tiny.timelineMs)}, graph ${ms(tiny.graphMs)}; ${thread(tiny)}`, goal: 'reference', met: true });
out({
  name: '  100k: first rows, then every page loaded',
  value: `rows at ${ms(big.firstRowsMs)}; ${big.getEvents.calls} getEvents, ${mb(big.getEvents.bytes)} JSON, ${ms(big.getEvents.sumMs)} in calls, last at ${ms(big.getEvents.lastEndMs)}; ${thread(big)}`,
  goal: 'reference',
  met: true,
});
out({
  name: '  200 branches: nodes mounted, then kept',
  value: `all ${branched.maxNodes} at ${ms(branched.allMountedMs)}, ${branched.restNodes} kept in view; getRunTree ${Math.round(branched.getRunTree.bytes / 1000)} kB at ${ms(branched.getRunTree.lastEndMs)}; ${thread(branched)}`,
  goal: 'reference',
  met: true,
});

console.log(JSON.stringify({ figures }, null, 0));
