/**
 * Benchmark: what recording costs a real agent, as users run it. The agent (bench/agents/openai-calls.mjs) makes N
 * sequential `chat.completions.create` calls with the real `openai` client against a local server, and runs:
 *   - native:            node agent.mjs
 *   - agenttrace:        agenttrace record agent.mjs (the CLI: store, live tail, locals capture on by default)
 *   - agenttrace-nolocals: the same with AGENTTRACE_LOCALS=off
 *   - nock:              nock 14's recorder (output objects, written as JSON at exit)
 *   - polly:             Polly.js (fetch adapter, fs persister, HAR)
 * Modes are interleaved in each round (the order rotates) so machine load hits them alike. Figures:
 *   - added latency per call: median arrival-to-arrival time at the server (0 ms latency) minus native's;
 *   - wall ratio: median whole-process wall time (spawn to exit) at 20 ms latency over native's;
 *   - bytes per call: store growth in pages used (agenttrace), nock's JSON, Polly's HAR, and our export file, over N;
 *   - CPU per call (where /usr/bin/time exists): user+sys time of the whole process tree (CLI, agent) at 0 ms
 *     latency, minus native's, over N. Less sensitive to machine load than wall times.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/engine/store/store.js';
import { startTimingServer, type TimingServer } from './llmTimingServer.js';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const AGENT = 'bench/agents/openai-calls.mjs';
const CLI = path.join(REPO, 'bin/agenttrace.mjs');
/** The first turns include module loading and JIT warm-up in every mode; they are not a call's steady cost. */
const WARM_TURNS = 5;
/** GNU time, for the process tree's CPU time (children included once waited for). */
const TIME_BIN = '/usr/bin/time';
const HAS_TIME = fs.existsSync(TIME_BIN);

export const MODES = ['native', 'agenttrace', 'agenttrace-nolocals', 'nock', 'polly'] as const;
export type Mode = (typeof MODES)[number];

export interface ModeResult {
  mode: Mode;
  /** Median turn at 0 ms latency (ms). */
  turnMs: number;
  /** turnMs minus native's. */
  addedMs: number;
  /** Median whole-process wall at 20 ms latency (ms). */
  wall20Ms: number;
  /** wall20Ms over native's. */
  wallRatio: number;
  /** Bytes kept per call (store growth, JSON, HAR); undefined for native. */
  bytesPerCall?: number;
  /** Median CPU (user+sys, whole process tree) per call at 0 ms latency, minus native's; undefined without GNU time. */
  addedCpuMsPerCall?: number;
}

export interface RealAgentResult {
  calls: number;
  rounds: number;
  modes: ModeResult[];
  /** Bytes per call of `agenttrace export` of the recorded run. */
  exportBytesPerCall?: number;
}

export interface RealAgentOptions {
  calls?: number;
  rounds?: number;
  modes?: readonly Mode[];
  /** A system prompt of this many KB on every call (default: one short line). */
  promptKb?: number;
  /** A growing conversation: each turn adds a tool result of this many bytes, and the whole history is resent. */
  historyBytes?: number;
  /** Also run each mode at 20 ms server latency for the whole-run wall time (default true). */
  wall?: boolean;
}

interface RunOut {
  wallMs: number;
  cpuMs?: number;
  intervals: number[];
  bytes?: number;
  exportBytes?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function baseEnv(url: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_LLM_URL: url, OPENAI_API_KEY: 'sk-bench-000000000000000000000000' };
  for (const k of Object.keys(env)) if (k.startsWith('AGENTTRACE_') || k.startsWith('NODE_OPTIONS')) delete env[k];
  return env;
}

function run(cmd: string[], env: NodeJS.ProcessEnv, cpuFile?: string): Promise<{ code: number | null; stdout: string; stderr: string; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = cpuFile
      ? spawn(TIME_BIN, ['-q', '-f', '%U %S', '-o', cpuFile, process.execPath, ...cmd], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, cmd, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, wallMs: performance.now() - t0 }));
  });
}

function dirBytes(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((n, f) => n + dirBytes(path.join(p, f)), 0);
}

/**
 * Bytes of the store's pages in use, not the file's size: an empty store keeps pages its migrations freed, which the
 * run's rows reuse first, so the file's growth would leave them out.
 */
function storeBytes(home: string, env: NodeJS.ProcessEnv): number {
  const store = openStore({ home, env });
  try {
    return store.usedBytes();
  } finally {
    store.close();
  }
}

async function runMode(mode: Mode, server: TimingServer, latencyMs: number, calls: number, measureBytes: boolean, variant: Pick<RealAgentOptions, 'promptKb' | 'historyBytes'>): Promise<RunOut> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `atr-bench-${mode}-`));
  const env = baseEnv(server.url);
  if (variant.promptKb) env.BENCH_PROMPT_KB = String(variant.promptKb);
  if (variant.historyBytes) env.BENCH_HISTORY_BYTES = String(variant.historyBytes);
  let cmd: string[];
  let emptyStore = 0;
  let outFile = '';
  if (mode === 'agenttrace' || mode === 'agenttrace-nolocals') {
    env.AGENTTRACE_HOME = tmp;
    if (mode === 'agenttrace-nolocals') env.AGENTTRACE_LOCALS = 'off';
    if (measureBytes) {
      // An empty store (schema only), opened and closed as the CLI does, so growth is the run's own bytes.
      emptyStore = storeBytes(tmp, env);
    }
    cmd = [CLI, 'record', '--json', AGENT, '--', String(calls)];
  } else if (mode === 'nock') {
    outFile = path.join(tmp, 'nock.json');
    env.BENCH_OUT = outFile;
    cmd = ['--import', './bench/agents/nockRecord.mjs', AGENT, String(calls)];
  } else if (mode === 'polly') {
    outFile = path.join(tmp, 'polly');
    env.BENCH_OUT = outFile;
    cmd = ['--import', './bench/agents/pollyRecord.mjs', AGENT, String(calls)];
  } else {
    cmd = [AGENT, String(calls)];
  }
  server.reset(latencyMs);
  const cpuFile = HAS_TIME && latencyMs === 0 ? path.join(tmp, 'cpu.txt') : undefined;
  try {
    const r = await run(cmd, env, cpuFile);
    if (r.code !== 0 || !r.stdout.includes(`done: ${calls} calls`)) throw new Error(`bench agent (${mode}) failed: exit ${String(r.code)}\n${r.stderr.slice(-2000)}`);
    if (server.arrivals.length !== calls) throw new Error(`bench agent (${mode}) made ${server.arrivals.length} calls, expected ${calls}`);
    const a = server.arrivals;
    const intervals = a.slice(WARM_TURNS + 1).map((t, i) => t - a[WARM_TURNS + i]);
    const out: RunOut = { wallMs: r.wallMs, intervals };
    if (cpuFile && fs.existsSync(cpuFile)) {
      const [user, sys] = fs.readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number);
      if (Number.isFinite(user) && Number.isFinite(sys)) out.cpuMs = (user + sys) * 1000;
    }
    if (measureBytes && emptyStore > 0) {
      out.bytes = storeBytes(tmp, env) - emptyStore;
      const id = (JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('\n{') + 1)) as { id: string }).id;
      const file = path.join(tmp, 'run.agenttrace');
      const ex = await run([CLI, 'export', id, '-o', file, '--allow-secrets'], env);
      if (ex.code !== 0) throw new Error(`export failed: ${ex.stderr}`);
      out.exportBytes = fs.statSync(file).size;
    } else if (measureBytes && outFile) {
      out.bytes = dirBytes(outFile);
    }
    return out;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function benchRealAgent(opts: RealAgentOptions = {}): Promise<RealAgentResult> {
  const calls = opts.calls ?? 200;
  const rounds = opts.rounds ?? 3;
  const modes: Mode[] = ['native', ...(opts.modes ?? MODES).filter((m) => m !== 'native')];
  const server = await startTimingServer();
  const turns = new Map<Mode, number[]>(modes.map((m) => [m, []]));
  const walls = new Map<Mode, number[]>(modes.map((m) => [m, []]));
  const cpus = new Map<Mode, number[]>(modes.map((m) => [m, []]));
  const bytes = new Map<Mode, number>();
  let exportBytes: number | undefined;
  try {
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so no mode always runs right after another one's process exit.
      const order = modes.map((_, i) => modes[(i + round) % modes.length]);
      for (const mode of order) {
        const r0 = await runMode(mode, server, 0, calls, round === 0 && mode !== 'native', opts);
        turns.get(mode)!.push(...r0.intervals);
        if (r0.cpuMs !== undefined) cpus.get(mode)!.push(r0.cpuMs);
        if (r0.bytes !== undefined) bytes.set(mode, r0.bytes);
        if (mode === 'agenttrace' && r0.exportBytes !== undefined) exportBytes = r0.exportBytes;
        if (opts.wall === false) continue;
        const r20 = await runMode(mode, server, 20, calls, false, opts);
        walls.get(mode)!.push(r20.wallMs);
      }
    }
  } finally {
    await server.close();
  }
  const nativeTurn = median(turns.get('native')!);
  const nativeWall = median(walls.get('native')!);
  const nativeCpu = median(cpus.get('native')!);
  return {
    calls,
    rounds,
    modes: modes.map((mode) => {
      const turnMs = median(turns.get(mode)!);
      const wall20Ms = median(walls.get(mode)!);
      const b = bytes.get(mode);
      const cpu = median(cpus.get(mode)!);
      return {
        mode,
        turnMs,
        addedMs: turnMs - nativeTurn,
        wall20Ms,
        wallRatio: wall20Ms / nativeWall,
        ...(b !== undefined ? { bytesPerCall: b / calls } : {}),
        ...(Number.isFinite(cpu) && Number.isFinite(nativeCpu) ? { addedCpuMsPerCall: (cpu - nativeCpu) / calls } : {}),
      };
    }),
    ...(exportBytes !== undefined ? { exportBytesPerCall: exportBytes / calls } : {}),
  };
}

// Run directly: `node --import tsx bench/realAgent.ts [calls] [rounds] [mode,mode]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [calls, rounds, only] = process.argv.slice(2);
  const historyBytes = process.env.BENCH_HISTORY_BYTES ? Number(process.env.BENCH_HISTORY_BYTES) : undefined;
  console.log('load average', os.loadavg().map((x) => x.toFixed(2)).join(' '));
  const r = await benchRealAgent({ calls: calls ? Number(calls) : undefined, rounds: rounds ? Number(rounds) : undefined, modes: only ? (only.split(',') as Mode[]) : undefined, historyBytes, wall: historyBytes === undefined });
  console.log(JSON.stringify(r, null, 1));
  console.log('load average', os.loadavg().map((x) => x.toFixed(2)).join(' '));
}
