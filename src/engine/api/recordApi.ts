/**
 * "Record a script…" over the existing runner (engine/runner/recordScript.ts, the same code as `agenttrace record`):
 * the input is checked first so a typo gets a clear error instead of a failed run, then the agent starts in the
 * background and the call resolves as soon as its run is in the store, so the UI can open it while it records.
 * Progress goes to the host through `onRunsChanged` on a timer: the journal tail writes through this process's own
 * store connection, which the run watcher's data_version poll does not see. Every recording is kept in a
 * `Recordings` set, so the host can stop the agents it started when it shuts down.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCRIPT_EXTENSIONS } from '../../shared/rpc/limits.js';
import type { RecordApi } from '../../shared/rpc/recordContract.js';
import { AtrError, BadArgsError } from '../errors.js';
import { recordScript, type RecordResult } from '../runner/recordScript.js';
import { addErrorLocalsByReplay } from '../replay/errorLocalsReplay.js';
import type { TraceStore } from '../store/store.js';

export interface RecordApiOptions {
  /** A recording progressed or ended: the host compares the store again and emits runUpdated events. */
  onRunsChanged?: () => void;
  /** Base environment of the agents (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Folder that relative script paths resolve against when the call gives none (default process.cwd()). */
  cwd?: string;
  /** The agents' node binary (default: the node running the host; Electron passes itself with ELECTRON_RUN_AS_NODE). */
  node?: string;
  /** How often a running recording's progress is reported (default 300 ms). */
  progressMs?: number;
  /** The set the recordings are tracked in (the host keeps it to stop them on shutdown); default a private one. */
  recordings?: Recordings;
  /** Longest wait for the run to appear in the store before the call resolves anyway (default 10 s). */
  startTimeoutMs?: number;
}

/** One recording in progress: its run id once the agent started, how to stop it, and its end. */
export interface Recording {
  runId?: string;
  stop: AbortController;
  done: Promise<unknown>;
}

/** The recordings a host started and that are still running. */
export class Recordings {
  private readonly active = new Set<Recording>();
  private closed = false;

  /** Run ids of the recordings still running (a recording is listed once its agent has started). */
  runIds(): string[] {
    return [...this.active].flatMap((r) => (r.runId ? [r.runId] : []));
  }

  get size(): number {
    return this.active.size;
  }

  /** Refuses new recordings, stops the running agents (SIGTERM, then SIGKILL) and waits until each one is stored. */
  async stopAll(): Promise<void> {
    this.closed = true;
    const all = [...this.active];
    for (const r of all) r.stop.abort();
    await Promise.allSettled(all.map((r) => r.done));
  }

  /** Throws once stopAll was called: a host shutting down starts no new agents. */
  ensureOpen(): void {
    if (this.closed) throw new AtrError('ATR_SPAWN', 'cannot start a recording: the workbench is shutting down');
  }

  /** Tracks a recording until `done` settles. */
  add(r: Recording): void {
    this.active.add(r);
    void r.done.then(
      () => this.active.delete(r),
      () => this.active.delete(r),
    );
  }
}

/** The script as the runner will start it: absolute, an existing file, with an extension the runner can run. */
export function resolveScript(script: string, cwdParam: string | undefined, hostCwd: string): { script: string; cwd: string } {
  const cwd = path.resolve(hostCwd, expandHome(cwdParam ?? '.'));
  let cwdOk = false;
  try {
    cwdOk = fs.statSync(cwd).isDirectory();
  } catch {
    // Reported just below with the folder's name.
  }
  if (!cwdOk) throw new BadArgsError(`working folder not found: ${cwd}`, 'give an existing folder, or leave it empty to use the workbench host’s folder');
  const file = path.resolve(cwd, expandHome(script.trim()));
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    // Missing: reported below.
  }
  const hint = `the path is resolved from ${cwd}; give an absolute path to be sure`;
  if (!stat) throw new AtrError('ATR_SCRIPT_NOT_FOUND', `script not found: ${file}`, { hint, data: { scriptPath: file } });
  if (!stat.isFile()) throw new AtrError('ATR_SCRIPT_NOT_FOUND', `not a file: ${file}`, { hint: 'give the agent’s script file, not a folder', data: { scriptPath: file } });
  const ext = path.extname(file).toLowerCase();
  if (!(SCRIPT_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new BadArgsError(`cannot record ${path.basename(file)}: unsupported extension "${ext || '(none)'}"`, `AgentTrace records ${SCRIPT_EXTENSIONS.join(' ')} scripts`);
  }
  return { script: file, cwd };
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** Discards the agent's output: it is recorded as the run's console events, and the host's terminal is not the agent's. */
const quiet = (): void => undefined;

export function createRecordApi(store: TraceStore, opts: RecordApiOptions = {}): RecordApi {
  const recordings = opts.recordings ?? new Recordings();
  const changed = (): void => {
    try {
      opts.onRunsChanged?.();
    } catch {
      // Reporting progress must never break the recording it reports on.
    }
  };

  return {
    recordScript: async ({ script, args, name, cwd }) => {
      const where = resolveScript(script, cwd, opts.cwd ?? process.cwd());
      recordings.ensureOpen();
      const stop = new AbortController();
      let started: ((runId: string) => void) | undefined;
      const startedP = new Promise<string>((resolve) => (started = resolve));
      const job: Promise<RecordResult> = recordScript({
        script: where.script,
        cwd: where.cwd,
        args: args ?? [],
        name: name?.trim() || undefined,
        store,
        env: opts.env ?? process.env,
        node: opts.node,
        forwardSignals: false,
        signal: stop.signal,
        onStdout: quiet,
        onStderr: quiet,
        onStart: ({ runId }) => started?.(runId),
      }).then(async (r) => {
        // A failed run's error without locals: read them by an offline replay (errorLocalsReplay.ts).
        if (r.status === 'failed') await addErrorLocalsByReplay(store, r.id, { env: opts.env ?? process.env, node: opts.node, signal: stop.signal });
        return r;
      });
      const timer = setInterval(changed, opts.progressMs ?? 300);
      timer.unref();
      const done = job.finally(() => {
        clearInterval(timer);
        changed();
      });
      const recording: Recording = { stop, done };
      recordings.add(recording);
      // A failure before the agent started (no SDK bundle, a node that cannot be spawned) is the call's error.
      const runId = await Promise.race([startedP, done.then((r) => r.id)]);
      recording.runId = runId;
      await untilStored(store, runId, done, opts.startTimeoutMs ?? 10_000);
      changed();
      return { runId };
    },
  };
}

/**
 * Waits until the run has its row: the SDK writes the run line first thing and the tail ingests it within ~50 ms.
 * A recording that ends first has its row too (the runner stores a fallback), and an agent stuck before its SDK
 * loaded does not hold the call forever: its run appears when it writes or exits, announced by runUpdated.
 */
async function untilStored(store: TraceStore, runId: string, done: Promise<unknown>, timeoutMs: number): Promise<void> {
  let ended = false;
  void done.then(
    () => (ended = true),
    () => (ended = true),
  );
  const deadline = Date.now() + timeoutMs;
  while (!ended && Date.now() < deadline && !store.findRun(runId)) await new Promise((r) => setTimeout(r, 20));
}
