/**
 * Replay benchmarks (issue 3):
 * (a) speed: an agent making 200 sequential LLM calls (openai v6) is recorded against the mock server with 20 ms
 *     latency, then replayed offline. Both are measured the same two ways: wall time of the whole agent process
 *     (spawn to exit, so node and SDK startup count against both), and the span from the first to the last event
 *     `ts` of each journal (the agent's own work). Goal: >= 20x for the span.
 * (b) seek: a 100k-event trace (state deltas, keyframes every 10, console and llm events) is ingested into a temp
 *     store through the real ingestor; `show --step N` internals (store.stateAt + getEvent) are timed at random N
 *     (median, p95; goal < 50 ms), and the whole `agenttrace show <id> --step N` process once for reference.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { recordScript } from '../src/engine/runner/recordScript.js';
import { replayRun } from '../src/engine/replay/replayRun.js';
import { openStore } from '../src/engine/store/store.js';
import { journal, meta } from '../src/engine/store/testJournal.js';
import type { JournalLine } from '../src/shared/trace/journal.js';
import { startMockLlm } from '../test/mock/llmServer.js';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const AGENT = path.join(REPO, 'test/agents/host-replay-bench.mjs');

export interface ReplaySpeed {
  calls: number;
  recordWallMs: number;
  replayWallMs: number;
  wallRatio: number;
  recordSpanMs: number;
  replaySpanMs: number;
  spanRatio: number;
  verified: boolean;
  /**
   * The same agent's calls answered in-process without AgentTrace (bench/agents/openai-floor.mjs): first request to
   * last reply. About the least a replay's span can be (the mock's own work included), so recordSpanMs / floorSpanMs
   * is about the best speed-up any replay can reach.
   */
  floorSpanMs: number;
  /**
   * The same floor agent's whole process, spawn to exit (median of three): about the least a whole replay can take
   * (one node process, the agent's imports, its calls answered at no cost), so recordWallMs / floorWallMs is about the
   * best whole-process speed-up any replay can reach.
   */
  floorWallMs: number;
}

export interface SeekTiming {
  events: number;
  samples: number;
  medianMs: number;
  p95Ms: number;
  cliMs: number;
  /** Store file growth for the trace (over an empty store) and the payload JSON it holds (events + keyframes). */
  storeBytes: number;
  payloadBytes: number;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

export async function benchReplaySpeed(calls = 200): Promise<ReplaySpeed> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-bench-replay-'));
  const mock = await startMockLlm({ latencyMs: 20 });
  const env: NodeJS.ProcessEnv = { ...process.env, MOCK_URL: mock.url, OPENAI_API_KEY: 'sk-bench-0000000000000000' };
  for (const k of Object.keys(env)) if (k.startsWith('AGENTTRACE_')) delete env[k];
  const quiet = (): void => undefined;
  const store = openStore({ home, env });
  try {
    let t0 = performance.now();
    const rec = await recordScript({ script: AGENT, args: [String(calls)], store, env, cwd: REPO, onStdout: quiet, onStderr: quiet });
    const recordWallMs = performance.now() - t0;
    if (rec.exitCode !== 0) throw new Error(`bench agent failed to record (exit ${String(rec.exitCode)})`);
    const events = store.getEvents(rec.id);
    const recordSpanMs = events[events.length - 1].ts - events[0].ts;
    await mock.close();

    t0 = performance.now();
    const rep = await replayRun({ runId: rec.id, store, env, cwd: REPO, onStdout: quiet, onStderr: quiet });
    const replayWallMs = performance.now() - t0;
    const replaySpanMs = Math.max(1, rep.spanMs ?? replayWallMs);
    const floor = floorRuns(calls);
    return {
      calls,
      recordWallMs,
      replayWallMs,
      wallRatio: recordWallMs / replayWallMs,
      recordSpanMs,
      replaySpanMs,
      spanRatio: recordSpanMs / replaySpanMs,
      verified: rep.outcome.kind === 'verified',
      floorSpanMs: floor.spanMs,
      floorWallMs: floor.wallMs,
    };
  } finally {
    await mock.close().catch(() => undefined);
    store.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The replay agent's `calls` calls answered in-process without AgentTrace (median of three runs): the span from its
 * first request to its last reply, and its whole process's wall time.
 */
function floorRuns(calls: number): { spanMs: number; wallMs: number } {
  const runs = [0, 1, 2].map(() => {
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [path.join(REPO, 'bench/agents/openai-floor.mjs'), String(calls)], { cwd: REPO, encoding: 'utf8' });
    const wallMs = performance.now() - t0;
    const m = /floor span ([\d.]+) for (\d+) calls/.exec(out);
    if (!m || Number(m[2]) !== calls) throw new Error(`floor agent: unexpected output ${out.slice(-200)}`);
    return { spanMs: Number(m[1]), wallMs };
  });
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[1];
  return { spanMs: median(runs.map((r) => r.spanMs)), wallMs: median(runs.map((r) => r.wallMs)) };
}

/** A crafted journal of `n` events: per 10 seqs a state delta, console lines and an llm call; a keyframe every 10. */
function seekJournal(runId: string, n: number): string {
  const lines: JournalLine[] = [{ t: 'run', meta: meta(runId) }];
  const notes: string[] = [];
  let counter = 0;
  for (let seq = 0; seq < n; seq++) {
    const ts = 1_700_000_000_000 + seq;
    const r = seq % 10;
    if (r === 0 || r === 5) {
      counter++;
      const note = `note ${seq}`;
      notes.push(note);
      if (notes.length > 20) notes.shift();
      const ops = [
        { op: 'set', path: ['counter'], value: counter },
        { op: 'set', path: ['notes', notes.length - 1], value: note },
      ];
      lines.push({ t: 'ev', seq, kind: 'state', ts, payload: { name: 'memory', ops } as never });
    } else if (r === 3) {
      lines.push({ t: 'ev', seq, kind: 'llm', ts, fp: 'a'.repeat(64), payload: { layer: 'fetch', provider: 'openai', stream: false, request: { method: 'POST', url: 'http://127.0.0.1/v1/chat/completions', headers: {}, body: { text: `{"messages":[{"role":"user","content":"q${seq}"}]}` } }, response: { status: 200, headers: {}, body: { text: `{"choices":[{"message":{"content":"a${seq}"}}]}` } }, durationMs: 20 } });
    } else {
      lines.push({ t: 'ev', seq, kind: 'console', ts, payload: { stream: 'stdout', text: `line ${seq}\n` } });
    }
    if (r === 9) lines.push({ t: 'kf', keyframe: { seq, tracked: { memory: { counter, notes: [...notes] } }, globals: { scratch: { seq } }, frames: [], stack: [], files: {}, cursors: {} } });
  }
  lines.push({ t: 'end', status: 'ok', exit: { code: 0 }, endedAt: 1_700_000_000_000 + n, steps: n });
  return journal(...lines);
}

export async function benchSeek(events = 100_000, samples = 500): Promise<SeekTiming> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-bench-seek-'));
  const runId = 'seek-bench';
  const store = openStore({ home, env: {} });
  const dbFile = path.join(home, 'traces.db');
  const fileBytes = (): number => ['', '-wal'].reduce((n, x) => n + (fs.existsSync(dbFile + x) ? fs.statSync(dbFile + x).size : 0), 0);
  const emptyBytes = fileBytes();
  try {
    const text = seekJournal(runId, events);
    let payloadBytes = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      const l = JSON.parse(line) as JournalLine;
      if (l.t === 'ev') payloadBytes += JSON.stringify(l.payload).length;
      else if (l.t === 'kf') payloadBytes += JSON.stringify(l.keyframe).length;
    }
    const ing = store.ingestor(runId);
    for (let pos = 0; pos < text.length; ) {
      let end = text.indexOf('\n', Math.min(text.length - 1, pos + 1024 * 1024));
      if (end < 0) end = text.length - 1;
      ing.ingestText(text.slice(pos, end + 1), end + 1);
      pos = end + 1;
    }
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const step = Math.floor(Math.random() * events);
      const t0 = performance.now();
      const ev = store.getEvent(runId, step);
      const state = store.stateAt(runId, step);
      times.push(performance.now() - t0);
      if (!ev || !state.tracked.memory) throw new Error(`seek to ${step} found nothing`);
    }
    store.close();
    const storeBytes = fileBytes() - emptyBytes;
    const step = String(Math.floor(events / 2) + 7);
    const bin = path.join(REPO, 'bin/agenttrace.mjs');
    const cliEnv = { ...process.env, AGENTTRACE_HOME: home };
    const t0 = performance.now();
    execFileSync(process.execPath, [bin, 'show', runId, '--step', step], { env: cliEnv, stdio: 'ignore' });
    const cliMs = performance.now() - t0;
    return { events, samples, medianMs: percentile(times, 0.5), p95Ms: percentile(times, 0.95), cliMs, storeBytes, payloadBytes };
  } finally {
    store.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

export async function benchReplay(): Promise<{ speed: ReplaySpeed; seek: SeekTiming }> {
  const seek = await benchSeek();
  const speed = await benchReplaySpeed();
  return { speed, seek };
}

// Run directly: `node --import tsx bench/replay.ts`.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchReplay(), null, 2));
}
