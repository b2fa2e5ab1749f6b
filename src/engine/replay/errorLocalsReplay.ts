/**
 * Locals at an error the recording could not read them at, by an offline replay of the run to that error.
 *
 * The recorder reads the failing frame's locals where the agent's code throws (`throw` statements) or calls an LLM.
 * An error V8 raises itself (reading a property of undefined, calling a non-function, JSON.parse) is only visible to
 * an exception pause, and an exception pause makes V8 format the error's stack early, which changes the source line
 * Node prints for an uncaught rejection: recording must not change the agent's stderr (see sdk/errors/throwSites.ts).
 * A replay's stderr is nobody's output, so the host replays the failed run offline with exception pauses on
 * (AGENTTRACE_LOCALS=exceptions) and takes the frames of the replay's error.
 *
 * They are the recording's only if the replay *is* the recording up to the error: the replay must have stayed on
 * the record (no divergence, nothing answered from elsewhere) and ended on the same error — same step, type, message
 * and stack. Anything else keeps the error as it was ("not captured"), never another moment's values.
 */
import type { ErrorPayload, Json, Keyframe } from '../../shared/trace/types.js';
import { ENV, parseAgentEnv } from '../../shared/trace/envProtocol.js';
import { parseStackText } from '../../shared/model/errorFrames.js';
import type { TraceStore } from '../store/store.js';
import { replayRun } from './replayRun.js';

export type ErrorLocalsOutcome =
  | { status: 'added'; seq: number }
  /** Nothing to do: the run did not fail on an error, or its failing frame already has locals. */
  | { status: 'not-needed' }
  /** The replay was not the recording (or could not run): the error keeps no locals. */
  | { status: 'unconfirmed'; why: string };

export interface ErrorLocalsOptions {
  /** The environment the run was recorded with (its variables go to the replay as for `agenttrace replay`). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  node?: string;
  /**
   * The replay is stopped after this long. Default: the recorded run's duration and a half, at least 10 s and at
   * most 60 s (an offline replay is faster than its recording, unless the agent sleeps).
   */
  timeoutMs?: number;
  /** Stopping the caller stops the replay. */
  signal?: AbortSignal;
}

const MIN_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 60_000;

/**
 * Whether a replay could add the failing frame's locals: it has none, and the error arose in the agent's own code
 * (an exception pause skips library and Node code, so an error raised there has no own frame to read at its throw).
 */
export function errorNeedsLocals(payload: ErrorPayload): boolean {
  if (payload.frames?.length || !payload.stack) return false;
  return parseStackText(payload.stack)[0]?.kind === 'own';
}

/** Replays a failed run to its error and stores the locals read there; see the module comment for when it may. */
export async function addErrorLocalsByReplay(store: TraceStore, runId: string, opts: ErrorLocalsOptions = {}): Promise<ErrorLocalsOutcome> {
  const env = opts.env ?? process.env;
  // AGENTTRACE_LOCALS=off: no locals wanted anywhere.
  if (!parseAgentEnv(env).locals) return { status: 'not-needed' };
  const run = store.findRun(runId);
  if (run?.status !== 'failed' || run.parentId) return { status: 'not-needed' };
  const recorded = store.getEvents(runId, { kinds: ['error'] }).at(-1);
  if (!recorded) return { status: 'not-needed' };
  const payload = recorded.payload as ErrorPayload;
  if (!errorNeedsLocals(payload)) return { status: 'not-needed' };

  const recordedMs = run.endedAt ? run.endedAt - run.startedAt : MAX_TIMEOUT_MS;
  const stop = AbortSignal.timeout(opts.timeoutMs ?? Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, recordedMs * 1.5)));
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop]) : stop;
  let replay: Awaited<ReturnType<typeof replayRun>>;
  try {
    replay = await replayRun({
      runId,
      store,
      env: { ...env, [ENV.locals]: 'exceptions' },
      cwd: opts.cwd,
      node: opts.node,
      signal,
      // The agent's output was shown when it was recorded; the replay's is not the user's to see.
      onStdout: () => undefined,
      onStderr: () => undefined,
    });
  } catch (e) {
    return { status: 'unconfirmed', why: `the replay could not run: ${e instanceof Error ? e.message : String(e)}` };
  }
  const why = mismatch(replay, recorded.seq, payload, stop.aborted);
  if (why) return { status: 'unconfirmed', why };
  const frames = replay.error?.payload.frames ?? [];
  if (frames.length === 0) return { status: 'unconfirmed', why: 'the replay reached the error but read no locals there' };

  // Through the ingestor: the same masking as the recording, and the same merge as a streamed reply's patch.
  const ingestor = store.ingestor(runId);
  ingestor.ingestLines([{ t: 'patch', seq: recorded.seq, payload: { frames: frames as unknown as Json, framesBy: 'replay' } }]);
  const keyframe = store.getKeyframe(runId, recorded.seq);
  if (keyframe && keyframe.frames.length === 0) ingestor.ingestLines([{ t: 'kf', keyframe: { ...keyframe, frames } satisfies Keyframe }]);
  return { status: 'added', seq: recorded.seq };
}

/** Why the replay does not stand for the recording up to its error (undefined: it does). */
function mismatch(replay: Awaited<ReturnType<typeof replayRun>>, seq: number, recorded: ErrorPayload, timedOut: boolean): string | undefined {
  if (timedOut) return 'the replay took too long and was stopped';
  if (replay.verdict.divergence) return `the replay diverged at step ${replay.verdict.divergence.seq}`;
  if (replay.answered.pool || replay.answered.synth || replay.answered.live) return 'the replay was not answered from the recording alone';
  const e = replay.error;
  if (!e) return 'the replay ended without the error';
  if (e.seq !== seq) return `the replay's error came at step ${e.seq}, the recording's at step ${seq}`;
  const p = e.payload;
  if (p.name !== recorded.name || p.message !== recorded.message || ownFrames(p) !== ownFrames(recorded)) return "the replay's error is not the recorded one";
  return undefined;
}

/**
 * The agent's own frames of a stack, as text. Library and Node frames may differ between a recording and its
 * replay (the replay answers requests through other layers); the agent's own may not.
 */
function ownFrames(p: ErrorPayload): string {
  return parseStackText(p.stack ?? '')
    .filter((f) => f.kind === 'own')
    .map((f) => `${f.functionName} ${f.url}:${f.line}:${f.column}`)
    .join('\n');
}
