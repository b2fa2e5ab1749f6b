/**
 * Replay-mode start (AGENTTRACE_MODE=replay): get the tape, open the replay's journal, create the controller, then
 * install the recording hooks with replay sources behind them (values from the tape, files in a sandbox, network
 * from the tape with a socket kill switch, patched source files served from the sandbox), and refuse the side doors
 * (child processes, threads, native bindings, dns, listening: sideDoors.ts). Console, error and state
 * capture are unchanged.
 * Fail closed: a replay that cannot get its tape or install a sandbox ends the process with EXIT_REPLAY_SETUP and
 * one `agenttrace:` line, before any agent code runs — a replay must never quietly run live.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Tape } from '../../src/shared/trace/tape.js';
import { EXIT_REPLAY_SETUP } from '../../src/shared/trace/tape.js';
import type { RunMeta } from '../../src/shared/trace/types.js';
import { SecretSet } from '../../src/shared/trace/redact.js';
import { ENV, type AgentEnv } from '../../src/shared/trace/envProtocol.js';
import { Recorder, setActiveRecorder } from '../core/recorder.js';
import { orig } from '../core/originals.js';
import { sdkEnv, sdkHome } from '../core/sdkEnv.js';
import { disableSharedInspector } from '../core/inspector.js';
import { disableLibraryChecks } from '../core/libraryCaller.js';
import { installDeterminism } from '../determinism/installDeterminism.js';
import { TapeSource } from '../determinism/tapeSource.js';
import { installFsSandbox } from '../fs/installFsSandbox.js';
import { installNetReplay } from '../net/installNetReplay.js';
import { ReplayController } from './controller.js';
import { installPatchedSource } from './patchedSource.js';
import { installSideDoors } from './sideDoors.js';
import { ReplaySetupError, fetchTapeViaCli, readTapeFile } from './tapeFile.js';

/**
 * Taken at load, before the sandbox patches fs: the env-mode journal folder is removed with the real functions.
 * (Not fs.rmSync: Node loads its implementation lazily, and it would pick up the patched unlink/rmdir then.)
 */
const unlinkSyncOrig = fs.unlinkSync;
const rmdirSyncOrig = fs.rmdirSync;

export interface ReplayBootDeps {
  /** Builds the run metadata as record mode does (script, argv, env...); the bootstrap sets mode and ids. */
  makeMeta: (secrets: SecretSet, id: string, home: string) => RunMeta;
  /** Console, error and state capture: installed as in record mode. */
  common: [string, (r: Recorder) => void][];
  /** Ends the process (the entry point owns process.exit). */
  exit: (code: number) => void;
  /** Ends the process as its natural end would (`process.exit()`: the same exit listeners and exit code). */
  exitNow: () => void;
}

/** Starts replay mode; returns the controller (undefined only when `exit` did not end the process). */
export function startReplay(deps: ReplayBootDeps): ReplayController | undefined {
  const env = sdkEnv();
  const home = sdkHome(env);
  const envMode = !env.tape;
  let tape: Tape;
  try {
    tape = loadTape(env, home);
  } catch (e) {
    return fail(deps, e);
  }

  const secrets = new SecretSet();
  secrets.addEnv(process.env);
  const id = tape.branch?.id ?? (env.runId || `${tape.runId}__replay`);
  let journal = env.journal;
  let tempDir: string | undefined;
  try {
    if (!journal && tape.branch) {
      // Environment-variable resume: the branch run is stored like an env-mode recording (recovered by the CLI).
      const dir = path.join(home, 'journals');
      orig.mkdirSync(dir, { recursive: true });
      journal = path.join(dir, `${id}.ndjson`);
    } else if (!journal) {
      tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttrace-replay-'));
      journal = path.join(tempDir, 'journal.ndjson');
    }
  } catch (e) {
    return fail(deps, new ReplaySetupError(`cannot create the replay journal (${e instanceof Error ? e.message : String(e)})`));
  }

  const meta = deps.makeMeta(secrets, id, home);
  meta.mode = tape.branch ? 'resume' : 'replay';
  // A pure replay keeps only its verdict: no locals to capture, so no inspector (it slows every await and call).
  // Except when the host replays a failed run to read the locals at its error (AGENTTRACE_LOCALS=exceptions): an
  // exception pause may change what Node prints on stderr, which a replay's output is not compared on.
  if (!tape.branch && !env.localsOnExceptions) disableSharedInspector();
  if (!tape.branch) disableLibraryChecks();
  if (typeof tape.keyframeEvery === 'number' && tape.keyframeEvery >= 1) meta.keyframeEvery = tape.keyframeEvery;
  if (tape.branch) {
    meta.name = tape.branch.name;
    meta.parentId = tape.branch.parentId;
    meta.forkSeq = tape.branch.forkSeq;
  }
  const rec = new Recorder({ journalPath: journal, meta, secrets });
  setActiveRecorder(rec);
  // Created before every installer: its event hooks must run first (see ReplayController).
  const ctl = new ReplayController(tape, rec, { printVerdict: envMode, exit: deps.exit });

  for (const [name, install] of deps.common) {
    try {
      install(rec);
    } catch (e) {
      rec.fault(name, e);
    }
  }
  const patched = tape.patchedFiles ?? {};
  const sandboxes: [string, () => void][] = [
    // The patched texts go into the file overlay too: require() and the agent's own reads see them there.
    ['file sandbox', () => installFsSandbox(rec, tape.mkdirs, patched)],
    ['patched source', () => (Object.keys(patched).length > 0 ? void installPatchedSource(patched) : undefined)],
    // Installs the recording network hooks too, inside its replay layers, with the socket kill switch first.
    ['network replay', () => installNetReplay(ctl)],
    // Child processes, threads, native bindings, dns and listening sockets: refused with a replay error.
    ['side-door refusals', () => void installSideDoors({ isLive: () => ctl.isLive() })],
    ['value replay', () => installDeterminism(rec, new TapeSource(ctl))],
  ];
  for (const [name, install] of sandboxes) {
    try {
      install();
    } catch (e) {
      ctl.abandon();
      return fail(deps, new ReplaySetupError(`${name} could not be installed (${e instanceof Error ? e.message : String(e)}); nothing was run`), rec);
    }
  }
  endPromptly(deps);
  if (tempDir) {
    const dir = tempDir;
    const file = journal;
    // Registered after error capture's exit listener, which writes the verdict and the end line.
    process.on('exit', () => {
      try {
        unlinkSyncOrig(file);
        rmdirSyncOrig(dir);
      } catch {
        // A temp folder left behind is harmless.
      }
    });
  }
  return ctl;
}

/**
 * At the natural end of the replay (the event loop is empty) with no 'beforeExit' listener but this one, nothing can
 * schedule more work: the process ends there through process.exit(), which runs the same 'exit' listeners with the
 * same exit code as the natural end, and skips tearing down the heap and environment (20-100 ms a replay need not
 * wait for). Any other listener (the agent's own) gets the natural end.
 */
function endPromptly(deps: ReplayBootDeps): void {
  const onBeforeExit = (): void => {
    if (process.listenerCount('beforeExit') === 1) deps.exitNow();
  };
  process.on('beforeExit', onBeforeExit);
}

function loadTape(env: AgentEnv, home: string): Tape {
  if (env.tape) return readTapeFile(env.tape);
  if (!env.replayId) throw new ReplaySetupError(`${ENV.mode}=replay needs ${ENV.replayId}=<run id> (or ${ENV.tape}=<tape file> from a host)`);
  return fetchTapeViaCli({ id: env.replayId, step: env.step, branch: env.branch, offline: env.offline, onDivergence: env.onDivergence, pace: env.pace, home });
}

function fail(deps: ReplayBootDeps, e: unknown, rec?: Recorder): undefined {
  const msg = e instanceof ReplaySetupError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  try {
    orig.stderrWrite(`agenttrace: cannot replay: ${msg}\n`);
    rec?.end('failed', { code: EXIT_REPLAY_SETUP });
  } catch {
    // Nothing more to report with.
  }
  deps.exit(EXIT_REPLAY_SETUP);
  return undefined;
}
