/**
 * Test support for the SDK's replay tests (sdk/replay, sdk/fs): records an agent in a real child process, turns
 * its journal into a Tape with the shared buildTape (as the host does from the store), and replays it in another
 * real child process with AGENTTRACE_MODE=replay, returning the replay's output, exit code and journal records.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { parseJournal, type JournalLine } from '../../src/shared/trace/journal.js';
import type { DivergenceReport, ReplayVerdict, StateVerification, Tape } from '../../src/shared/trace/tape.js';
import { buildTape, type BuildTapeInput } from '../../src/shared/trace/tapeBuilder.js';
import { canonicalJson } from '../../src/shared/trace/canonicalJson.js';
import { applyOps } from '../../src/shared/trace/stateDiff.js';
import type { Json, RunStatus, StatePayload, TraceEvent } from '../../src/shared/trace/types.js';
import { readJournalEvents, readJournalLines } from './journal.js';
import { REGISTER, REPO_ROOT, spawnAgent, tempDir, type SpawnedAgent } from '../../sdk/determinism/spawnAgent.js';

export { REGISTER, REPO_ROOT, tempDir };

export type TapeOptions = Pick<BuildTapeInput, 'untilSeq' | 'after' | 'onDivergence' | 'branch'>;

/** The tracked state at `seq` rebuilt from the journal's state events (what the store's stateAt gives). */
export function trackedAt(events: TraceEvent[], seq: number): Record<string, Json> {
  const tracked: Record<string, Json> = {};
  for (const ev of events) {
    if (ev.seq > seq) break;
    if (ev.kind !== 'state') continue;
    const p = ev.payload as StatePayload;
    tracked[p.name] = applyOps(tracked[p.name], p.ops) ?? null;
  }
  return tracked;
}

/** A Tape of a recorded journal, built like the host builds it from the store. */
export function tapeOfJournal(journal: string, opts: TapeOptions = {}): Tape {
  const lines = readJournalLines(journal);
  const events = readJournalEvents(journal);
  const blobs = new Map<string, string>();
  let status: RunStatus = 'crashed';
  let steps: number | undefined;
  let exit: Tape['recordedExit'];
  let runId = 'x';
  for (const l of lines) {
    if (l.t === 'blob') blobs.set(l.hash, l.b64);
    if (l.t === 'end') {
      status = l.status;
      steps = l.steps;
      exit = l.exit;
    }
    if (l.t === 'run') runId = l.meta.id;
  }
  const input: BuildTapeInput = { runId, events, steps, recordedStatus: status, recordedExit: exit, blobB64: (h) => blobs.get(h), ...opts };
  if (opts.untilSeq !== undefined) {
    const tracked = trackedAt(events, opts.untilSeq);
    input.stateAtUntil = { hash: createHash('sha256').update(canonicalJson(tracked)).digest('hex'), tracked };
  }
  return buildTape(input);
}

export interface RecordedRun extends SpawnedAgent {
  journal: string;
  events: TraceEvent[];
}

/** Records `script` (relative to the repo root). */
export async function record(script: string, opts: { args?: string[]; env?: Record<string, string> } = {}): Promise<RecordedRun> {
  const run = await spawnAgent(script, { args: opts.args, env: opts.env });
  if (!run.journal) throw new Error('no journal');
  return { ...run, journal: run.journal, events: readJournalEvents(run.journal) };
}

export interface ReplayedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  journal: string;
  lines: JournalLine[];
  events: TraceEvent[];
  verdict?: ReplayVerdict;
  divergence?: DivergenceReport;
  verify?: StateVerification;
  end?: Extract<JournalLine, { t: 'end' }>;
}

/** Replays `script` against `tape` (written to a temp file) in a child process. */
export function replay(script: string, tape: Tape, opts: { args?: string[]; env?: Record<string, string>; cwd?: string } = {}): Promise<ReplayedRun> {
  const dir = tempDir('agenttrace-replay-test-');
  const tapeFile = path.join(dir, 'tape.json');
  writeFileSync(tapeFile, JSON.stringify(tape));
  return replayWithEnv(script, { AGENTTRACE_TAPE: tapeFile, AGENTTRACE_JOURNAL: path.join(dir, 'replay.ndjson'), ...opts.env }, opts);
}

/** Runs `script` with the register and AGENTTRACE_MODE=replay plus `env`; reads back the journal it wrote. */
export function replayWithEnv(script: string, env: Record<string, string>, opts: { args?: string[]; cwd?: string } = {}): Promise<ReplayedRun> {
  const abs = path.isAbsolute(script) ? script : path.join(REPO_ROOT, script);
  const nodeArgs = /\.[mc]?ts$/.test(abs) ? ['--import', 'tsx', '--import', REGISTER] : ['--import', REGISTER];
  const fullEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AGENTTRACE_MODE: 'replay', ...env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, abs, ...(opts.args ?? [])], { cwd: opts.cwd ?? REPO_ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const journal = env.AGENTTRACE_JOURNAL ?? '';
      let lines: JournalLine[] = [];
      let events: TraceEvent[] = [];
      if (journal) {
        try {
          lines = readJournalLines(journal);
          events = readJournalEvents(journal);
        } catch {
          // No journal: the replay did not start (the test looks at stderr).
        }
      }
      const find = <T extends JournalLine['t']>(t: T): Extract<JournalLine, { t: T }> | undefined => lines.find((l) => l.t === t) as Extract<JournalLine, { t: T }> | undefined;
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        journal,
        lines,
        events,
        verdict: find('verdict')?.verdict,
        divergence: find('diverge')?.report,
        verify: find('verify')?.result,
        end: find('end'),
      });
    });
  });
}

/** The values of one source in a run's events, in seq order. */
export function valuesOf(events: TraceEvent[], source: string): Json[] {
  return events.filter((e) => (e.payload as { source?: string }).source === source && (e.kind === 'random' || e.kind === 'time' || e.kind === 'crypto')).map((e) => (e.payload as { value: Json }).value);
}

export { parseJournal };
