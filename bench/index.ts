/**
 * `npm run bench`: every performance figure of AgentTrace, each measured against a baseline in the same run
 * (never in timed tests). Prints one line per figure with its goal and ok/MISS, the machine's load average (figures
 * taken under load are noisy: compare ratios, and re-run when the load is high), and saves everything as JSON in
 * bench/results/<label>.json.
 *
 * Options (after `npm run bench --`):
 *   --only a,b      run only these groups: real-agent, net, random, ingest, replay, autofix, ui
 *   --calls N       LLM calls of the real-agent scenario (default 200)
 *   --rounds N      interleaved rounds of the real-agent scenario (default 3)
 *   --quick         --calls 100 --rounds 1
 *   --label NAME    results file name (default: the date and time)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchNetLatency } from './netLatency.js';
import { benchRandom } from './determinism.js';
import { benchIngest } from './storeIngest.js';
import { benchReplay } from './replay.js';
import { benchReplayRandom } from './replayRandom.js';
import { benchUi } from './ui.js';
import { benchAutofix } from './autofix.js';
import { benchRealAgent } from './realAgent.js';
import { benchNodeStart } from './nodeStart.js';

interface Figure {
  name: string;
  value: string;
  goal: string;
  met: boolean;
}

/** System prompt size of the real-agent scenario's long-prompt variant. */
const PROMPT_KB = 30;
/** Tool result added per turn in the real-agent scenario's growing-conversation variant (the history is resent). */
const HISTORY_BYTES = 600;
const GROUPS = ['real-agent', 'net', 'random', 'ingest', 'replay', 'autofix', 'ui'] as const;
const { values: opt } = parseArgs({
  options: { only: { type: 'string' }, calls: { type: 'string' }, rounds: { type: 'string' }, quick: { type: 'boolean' }, label: { type: 'string' } },
});
const only = new Set((opt.only ?? GROUPS.join(',')).split(',').map((g) => g.trim()));
for (const g of only) if (!(GROUPS as readonly string[]).includes(g)) throw new Error(`bench: unknown group ${g} (groups: ${GROUPS.join(', ')})`);
const calls = Number(opt.calls ?? (opt.quick ? 100 : 200));
const rounds = Number(opt.rounds ?? (opt.quick ? 1 : 3));

const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const loadAtStart = os.loadavg();
console.log(`load average ${load()} on ${os.cpus().length} cores (figures under load are noisy; ratios hold better than times)`);
const nodeStart = benchNodeStart();
console.log(
  `node start to a script's first line: ${Math.round(nodeStart.ms)} ms` +
    (nodeStart.withoutExtraCaMs === undefined
      ? ''
      : ` (${Math.round(nodeStart.withoutExtraCaMs)} ms without NODE_EXTRA_CA_CERTS, which this environment sets: a recording starts two node processes, a native run one)`),
);

const figures: Figure[] = [];
const raw: Record<string, unknown> = {};
const out = (f: Figure): void => {
  figures.push(f);
  console.log(`${f.met ? 'ok  ' : 'MISS'}  ${f.name.padEnd(52)} ${f.value.padEnd(44)} goal ${f.goal}`);
};
const ms = (x: number): string => `${Math.round(x)} ms`;
/** Groups that could not run (a missing browser, a crashed agent): reported, and the other groups still run. */
const failedGroups: Record<string, string> = {};
async function group(name: (typeof GROUPS)[number], run: () => Promise<void>): Promise<void> {
  if (!only.has(name)) return;
  try {
    await run();
  } catch (e) {
    failedGroups[name] = e instanceof Error ? e.message.split('\n')[0] : String(e);
    console.log(`FAIL  ${name}: ${failedGroups[name]}`);
  }
}

await group('real-agent', async () => {
  const ra = await benchRealAgent({ calls, rounds });
  raw.realAgent = ra;
  console.log(`\nreal agent: openai client, ${ra.calls} sequential calls, ${ra.rounds} interleaved round(s)`);
  console.log(`  ${'mode'.padEnd(20)} ${'added/call @0ms'.padStart(16)} ${'CPU/call'.padStart(10)} ${'wall @20ms'.padStart(11)} ${'vs native'.padStart(10)} ${'bytes/call'.padStart(11)}`);
  for (const m of ra.modes) {
    const bytes = m.bytesPerCall !== undefined ? Math.round(m.bytesPerCall).toLocaleString('en') : '';
    const cpu = m.addedCpuMsPerCall !== undefined ? `${m.addedCpuMsPerCall >= 0 ? '+' : ''}${m.addedCpuMsPerCall.toFixed(2)} ms` : '';
    console.log(`  ${m.mode.padEnd(20)} ${`${m.addedMs >= 0 ? '+' : ''}${m.addedMs.toFixed(2)} ms`.padStart(16)} ${cpu.padStart(10)} ${ms(m.wall20Ms).padStart(11)} ${`${m.wallRatio.toFixed(2)}x`.padStart(10)} ${bytes.padStart(11)}`);
  }
  if (ra.exportBytesPerCall !== undefined) console.log(`  ${'agenttrace export'.padEnd(20)} ${''.padStart(16)} ${''.padStart(10)} ${''.padStart(11)} ${''.padStart(10)} ${Math.round(ra.exportBytesPerCall).toLocaleString('en').padStart(11)}`);
  const mode = (name: string) => ra.modes.find((m) => m.mode === name);
  const native = mode('native');
  // The added latencies are milliseconds of this machine: comparing runs of two machines, compare them to this too.
  if (native) console.log(`  native turn @0ms: ${native.turnMs.toFixed(2)} ms per call (the machine's speed: figures in ms scale with it)`);
  const at = mode('agenttrace');
  const off = mode('agenttrace-nolocals');
  if (at) {
    out({ name: 'real agent: added latency per call, locals on (median)', value: `${at.addedMs.toFixed(2)} ms vs native`, goal: '<= 0.5 ms', met: at.addedMs <= 0.5 });
    out({ name: 'real agent: whole run @20 ms latency vs native', value: `${at.wallRatio.toFixed(2)}x (${ms(at.wall20Ms)})`, goal: '<= 1.10x', met: at.wallRatio <= 1.1 });
    out({ name: 'real agent: store bytes per LLM call', value: `${Math.round(at.bytesPerCall ?? NaN).toLocaleString('en')} B`, goal: '<= 1,500 B', met: (at.bytesPerCall ?? Infinity) <= 1500 });
  }
  if (off) out({ name: 'real agent: added latency per call, locals off', value: `${off.addedMs.toFixed(2)} ms vs native`, goal: '< 0.3 ms', met: off.addedMs < 0.3 });
  for (const lib of ['nock', 'polly']) {
    const m = mode(lib);
    if (at && m) out({ name: `real agent: ${lib} added per call / agenttrace's`, value: `${(m.addedMs / Math.max(at.addedMs, 0.001)).toFixed(1)}x (${m.addedMs.toFixed(2)} ms)`, goal: 'reference', met: true });
  }
  // The same loop with a long system prompt, then with a conversation that grows every turn (both resent on every
  // call, as agents do): what the size of a request costs.
  const variants = [
    { key: 'realAgentLongPrompt', label: `${PROMPT_KB} KB prompt`, opts: { promptKb: PROMPT_KB } },
    { key: 'realAgentHistory', label: `growing history (+${HISTORY_BYTES} B a turn)`, opts: { historyBytes: HISTORY_BYTES } },
  ];
  for (const v of variants) {
    const r = await benchRealAgent({ calls: Math.min(calls, 100), rounds: Math.min(rounds, 2), wall: false, ...v.opts });
    raw[v.key] = r;
    const cell = (name: string): string => {
      const m = r.modes.find((x) => x.mode === name);
      return m ? `${m.addedMs.toFixed(2)} ms${m.bytesPerCall !== undefined ? ` (${Math.round(m.bytesPerCall).toLocaleString('en')} B/call)` : ''}` : '-';
    };
    out({ name: `real agent, ${v.label}: added per call, locals on / off`, value: `${cell('agenttrace')} / ${cell('agenttrace-nolocals')}`, goal: 'reference', met: true });
    out({ name: `real agent, ${v.label}: nock / polly added per call`, value: `${cell('nock')} / ${cell('polly')}`, goal: 'reference', met: true });
  }
  console.log('');
});

await group('net', async () => {
  const net = await benchNetLatency();
  raw.net = net;
  out({ name: 'added latency per call, fetch (median)', value: `${net.fetchMedianAddedMs.toFixed(3)} ms vs unrecorded`, goal: '<= 0.2 ms', met: net.fetchMedianAddedMs <= 0.2 });
  out({ name: 'added latency per call, http.request (median)', value: `${net.httpMedianAddedMs.toFixed(3)} ms vs unrecorded`, goal: '<= 0.2 ms', met: net.httpMedianAddedMs <= 0.2 });
  out({ name: 'added latency to first streamed chunk', value: `${net.firstChunkAddedMs.toFixed(3)} ms vs unrecorded`, goal: '<= 2 ms', met: net.firstChunkAddedMs <= 2 });
});

await group('random', async () => {
  const rnd = await benchRandom();
  raw.random = rnd;
  out({ name: 'Math.random recorded vs native', value: `${rnd.ratio.toFixed(2)}x (${rnd.recordedNsPerCall.toFixed(1)} vs ${rnd.nativeNsPerCall.toFixed(1)} ns)`, goal: '<= 3x', met: rnd.ratio <= 3 });

  const rr = await benchReplayRandom();
  raw.replayRandom = rr;
  out({ name: 'Math.random replayed vs native', value: `${rr.ratio.toFixed(2)}x (${rr.replayedNsPerCall.toFixed(1)} vs ${rr.nativeNsPerCall.toFixed(1)} ns)`, goal: '<= 3x', met: rr.ratio <= 3 });
});

await group('ingest', async () => {
  const ing = await benchIngest();
  raw.ingest = ing;
  out({ name: 'store ingest', value: `${ing.eventsPerSec.toLocaleString('en')} events/s`, goal: '>= 100,000/s', met: ing.eventsPerSec >= 100_000 });
  out({ name: 'store ingest with Math.random batches', value: `${ing.withBatchesPerSec.toLocaleString('en')} values/s`, goal: '>= 100,000/s', met: ing.withBatchesPerSec >= 100_000 });
});

await group('replay', async () => {
  const rep = await benchReplay();
  raw.replay = rep;
  const sp = rep.speed;
  out({
    name: `replay speed-up, ${sp.calls} LLM calls @20 ms (event span)`,
    value: `${sp.spanRatio.toFixed(1)}x (${Math.round(sp.recordSpanMs)} vs ${Math.round(sp.replaySpanMs)} ms)${sp.verified ? '' : ' NOT VERIFIED'}`,
    goal: '>= 20x',
    met: sp.verified && sp.spanRatio >= 20,
  });
  out({
    name: 'replay floor: the same calls answered in-process, no AgentTrace',
    value: `${Math.round(sp.floorSpanMs)} ms (a replay this fast: ${(sp.recordSpanMs / sp.floorSpanMs).toFixed(1)}x); the replay's own work: ${Math.round(sp.replaySpanMs - sp.floorSpanMs)} ms`,
    goal: 'reference',
    met: true,
  });
  out({ name: 'replay speed-up, whole agent process (wall)', value: `${sp.wallRatio.toFixed(1)}x (${Math.round(sp.recordWallMs)} vs ${Math.round(sp.replayWallMs)} ms)`, goal: '>= 20x', met: sp.verified && sp.wallRatio >= 20 });
  out({
    name: 'replay floor, whole process: the agent alone, calls answered in-process',
    value: `${Math.round(sp.floorWallMs)} ms (a replay this fast: ${(sp.recordWallMs / sp.floorWallMs).toFixed(1)}x); the replay's own: ${Math.round(sp.replayWallMs - sp.floorWallMs)} ms`,
    goal: 'reference',
    met: true,
  });
  out({ name: `seek: state + event at a random step, ${rep.seek.events / 1000}k events`, value: `median ${rep.seek.medianMs.toFixed(2)} ms, p95 ${rep.seek.p95Ms.toFixed(2)} ms`, goal: '< 50 ms', met: rep.seek.p95Ms < 50 });
  const sizeRatio = rep.seek.storeBytes / rep.seek.payloadBytes;
  out({ name: `store size, ${rep.seek.events / 1000}k-event trace / raw payload bytes`, value: `${sizeRatio.toFixed(2)}x (${(rep.seek.storeBytes / 1e6).toFixed(1)} MB for ${(rep.seek.payloadBytes / 1e6).toFixed(1)} MB)`, goal: '<= 1.2x', met: sizeRatio <= 1.2 });
  out({ name: 'seek: whole `agenttrace show --step N` process', value: `${Math.round(rep.seek.cliMs)} ms (node startup included)`, goal: 'reference', met: true });
});

await group('autofix', async () => {
  const fx = await benchAutofix();
  raw.autofix = fx;
  out({
    name: `fix --no-ai, ${fx.calls}-call failing run (whole CLI)`,
    value: `${Math.round(fx.fixMs)} ms = ${(fx.fixMs / fx.replayMs).toFixed(1)}x one replay (${Math.round(fx.replayMs)} ms); ${fx.replays} replays`,
    goal: '< 5000 ms',
    met: fx.fixMs < 5000,
  });
  out({ name: '  fix result', value: `root cause ${fx.rootCause}; ${fx.candidates} candidates, best ${fx.bestVerdict}`, goal: 'reference', met: true });
});

await group('ui', async () => {
  const ui = await benchUi();
  raw.ui = ui;
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
  if (ui.staleBuild) console.log(`note  the workbench figures are of an older build: ${ui.staleBuild}`);
  for (const [f, name, goalMs] of [
    [ui.timeline, `open ${Math.round(ui.data.bigEvents / 1000)}k-event trace: timeline rendered`, 1500],
    [ui.graph, `open trace with ${ui.data.treeRuns - 1} branches: graph rendered`, 1000],
  ] as const) {
    out({ name, value: `${ms(f.medianMs)} = ${f.ratio.toFixed(1)}x baseline (${ms(f.baselineMs)})`, goal: `< ${goalMs} ms`, met: f.medianMs < goalMs });
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
});

const loadAtEnd = os.loadavg();
const failed = Object.keys(failedGroups);
console.log(`load average ${load()}; ${figures.filter((f) => !f.met).length} of ${figures.length} figures MISS${failed.length ? `; groups that did not run: ${failed.join(', ')}` : ''}`);
const label = opt.label ?? new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '');
const file = path.join(path.dirname(new URL(import.meta.url).pathname), 'results', `${label}.json`);
fs.mkdirSync(path.dirname(file), { recursive: true });
const summary = { label, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadAtStart, loadAtEnd, nodeStart, groups: [...only], failedGroups, figures, raw };
fs.writeFileSync(file, JSON.stringify(summary, null, 1) + '\n');
console.log(`results saved to ${path.relative(process.cwd(), file)}`);
if (failed.length) process.exitCode = 1;
