/**
 * Test helper for the network replay tests: record an agent (real SDK, child process), turn its journal into a
 * Tape with the shared buildTape(), and replay it in a child process (real replay bootstrap, or the TEST-ONLY
 * network-only preload).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REGISTER, REPO_ROOT, runAgent, type AgentRun } from './recordAgent.js';
import { readJournalEvents, readJournalLines } from './journal.js';
import { buildTape, type BuildTapeInput } from '../../src/shared/trace/tapeBuilder.js';
import type { DivergenceReport, ReplayVerdict, Tape } from '../../src/shared/trace/tape.js';
import type { HttpPayload, TraceEvent } from '../../src/shared/trace/types.js';

/** Temp folders of the importing test file, removed after its tests (they read the journals until then). */
const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export const REPLAY_NET_PRELOAD = path.join(REPO_ROOT, 'test/helpers/replayNetPreload.ts');

/** Starts `server` on a free loopback port; returns its base URL. */
export async function listenLoopback(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback port nothing listens on (taken and released): a connection there is refused. */
export async function closedLoopbackPort(): Promise<number> {
  const probe = http.createServer();
  const port = Number(new URL(await listenLoopback(probe)).port);
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

export interface Recording {
  run: AgentRun;
  events: TraceEvent[];
  tape: Tape;
}

/** Records `script` with the real SDK and builds its tape (options override the tape's policy fields). */
export async function recordForReplay(script: string, env: Record<string, string>, tapeOpts: Partial<BuildTapeInput> = {}): Promise<Recording> {
  const run = await runAgent(script, { env });
  if (run.code !== 0) throw new Error(`recording ${script} failed (${String(run.code)}): ${run.stderr}`);
  const events = readJournalEvents(run.journal!);
  return { run, events, tape: tapeFromJournal(run.journal!, events, tapeOpts) };
}

export function tapeFromJournal(journal: string, events: TraceEvent[], opts: Partial<BuildTapeInput> = {}): Tape {
  const blobs = new Map<string, string>();
  let status: BuildTapeInput['recordedStatus'] = 'running';
  let steps: number | undefined;
  for (const line of readJournalLines(journal)) {
    if (line.t === 'blob') blobs.set(line.hash, line.b64);
    if (line.t === 'end') {
      status = line.status;
      steps = line.steps;
    }
  }
  return buildTape({ runId: 'rec', events, steps, recordedStatus: status, blobB64: (h) => blobs.get(h), ...opts });
}

export interface Replay {
  code: number | null;
  stdout: string;
  stderr: string;
  journal: string;
  events: TraceEvent[];
  divergence?: DivergenceReport;
  /** Written by the real bootstrap only (the test preload has no verdict). */
  verdict?: ReplayVerdict;
  ms: number;
}

/**
 * How replays are started: `bootstrap` (default) = the real SDK (dist/sdk/register.mjs, AGENTTRACE_MODE=replay:
 * values, files and every event's signature are replayed and checked too); `preload` = the TEST-ONLY network-only
 * preload (replayNetPreload.ts), which isolates the network replay. REPLAY_NET_VIA=preload runs all tests with it.
 */
export type ReplayVia = 'preload' | 'bootstrap';
export const REPLAY_VIA: ReplayVia = process.env.REPLAY_NET_VIA === 'preload' ? 'preload' : 'bootstrap';

/** Replays `script` against `tape` (no mock server needed). */
export function replayNet(script: string, tape: Tape, env: Record<string, string>, timeoutMs = 30_000, via: ReplayVia = REPLAY_VIA): Promise<Replay> {
  const abs = path.isAbsolute(script) ? script : path.join(REPO_ROOT, script);
  const dir = mkdtempSync(path.join(tmpdir(), 'agenttrace-replay-net-'));
  tempDirs.push(dir);
  const tapeFile = path.join(dir, 'tape.json');
  const journal = path.join(dir, 'journal.ndjson');
  writeFileSync(tapeFile, JSON.stringify(tape));
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AGENTTRACE_TEST_HOOKS: '1', ...env, AGENTTRACE_TAPE: tapeFile, AGENTTRACE_JOURNAL: journal };
  const nodeArgs = ['--import', 'tsx', '--import', REPLAY_NET_PRELOAD];
  if (via === 'bootstrap') {
    childEnv.AGENTTRACE_MODE = 'replay';
    nodeArgs.splice(0, nodeArgs.length, ...(/\.[mc]?ts$/.test(abs) ? ['--import', 'tsx'] : []), '--import', REGISTER);
  }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, abs], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      let events: TraceEvent[] = [];
      let divergence: DivergenceReport | undefined;
      let verdict: ReplayVerdict | undefined;
      try {
        events = readJournalEvents(journal);
        for (const line of readJournalLines(journal)) {
          if (line.t === 'diverge') divergence = line.report;
          if (line.t === 'verdict') verdict = line.verdict;
        }
      } catch {
        // No journal: the preload failed; the caller sees it in code/stderr.
      }
      resolve({ code, stdout, stderr, journal, events, divergence, verdict, ms });
    });
  });
}

/** The network events of a run, reduced to what must be identical between a recording and its replay. */
export function netShape(events: TraceEvent[]): unknown[] {
  return events
    .filter((e) => e.kind === 'llm' || e.kind === 'http')
    .map((e) => {
      const p = e.payload as HttpPayload & { reply?: unknown; usage?: unknown; stream?: boolean };
      return {
        kind: e.kind,
        fingerprint: e.fingerprint,
        layer: p.layer,
        method: p.request.method,
        url: p.request.url,
        body: p.request.body,
        headers: p.request.headers,
        keys: Object.keys(p).sort(),
        status: p.response?.status,
        responseKeys: p.response ? Object.keys(p.response).sort() : undefined,
        responseHeaders: p.response?.headers,
        responseBody: p.response?.body,
        chunks: p.response?.chunks?.map((c) => c.data),
        error: p.error,
        reply: p.reply,
        usage: p.usage,
      };
    });
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
