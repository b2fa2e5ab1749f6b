/**
 * The environment protocol between the host (CLI, workbench), the engine's runner and the SDK inside the agent:
 * every AGENTTRACE_* variable by name, and how each is parsed, with its default. The host writes them with
 * `{ [ENV.mode]: 'record', … }`; the SDK and the engine read them with parseAgentEnv(), so a name or a default is
 * written once. Pure (no `node:`): the SDK may import it (it lives in src/shared/trace for that reason).
 */

/** Every variable of the protocol, by short name. */
export const ENV = {
  /** `record` or `replay` (any case): what the SDK does when loaded with `--import`; anything else, nothing. */
  mode: 'AGENTTRACE_MODE',
  /** The journal file the agent appends to; default `<home>/journals/<runId>.ndjson` (replay: a temp file). */
  journal: 'AGENTTRACE_JOURNAL',
  /** The id of the run being recorded (or replayed, `<id>__replay` by default); default a random UUID. */
  runId: 'AGENTTRACE_RUN_ID',
  /** Environment-variable replay: the stored run to replay (the SDK asks `agenttrace tape` for its tape). */
  replayId: 'AGENTTRACE_ID',
  /** The tape file a host wrote for a replay; when set, the AGENTTRACE_ID family is ignored. */
  tape: 'AGENTTRACE_TAPE',
  /** Environment-variable replay: resume live from this step. */
  step: 'AGENTTRACE_STEP',
  /** Environment-variable replay: replay this branch of the run. */
  branch: 'AGENTTRACE_BRANCH',
  /** Environment-variable replay: stop at the step instead of going live (`1`, `true` or `yes`). */
  offline: 'AGENTTRACE_OFFLINE',
  /** Environment-variable replay: what a divergence does (`stop`, `live`, …; checked by `agenttrace tape`). */
  onDivergence: 'AGENTTRACE_ON_DIVERGENCE',
  /** Environment-variable replay: pacing of replayed responses (checked by `agenttrace tape`). */
  pace: 'AGENTTRACE_PACE',
  /** A display name for the recorded run. */
  name: 'AGENTTRACE_NAME',
  /** The agent's script as the host resolved it; default the process's argv[1]. */
  script: 'AGENTTRACE_SCRIPT',
  /** The pid of the host that started the agent. */
  hostPid: 'AGENTTRACE_HOST_PID',
  /**
   * Record: a descriptor (`/dev/fd/3`) on which the host writes `go` once it can take the journal. The SDK sets up,
   * then reads it to its end before any agent code runs; closed without `go` (the host failed or died), the agent
   * exits with EXIT_NO_HOST and leaves no journal.
   */
  hostReady: 'AGENTTRACE_HOST_READY',
  /** A state keyframe every N steps; default 10, at least 1. */
  keyframeEvery: 'AGENTTRACE_KEYFRAME_EVERY',
  /** AgentTrace's data folder (store and journals); default `~/.agenttrace`. */
  home: 'AGENTTRACE_HOME',
  /**
   * `off`, `0` or `false` turns capture of local variables (the inspector) off; default on. `exceptions` also pauses
   * on every exception of the agent's own code (locals of any error, at the cost of Node printing its own internals
   * as the source line of an unhandled rejection).
   */
  locals: 'AGENTTRACE_LOCALS',
  /** `1` exposes the SDK's internal-context probe to integration tests. */
  testHooks: 'AGENTTRACE_TEST_HOOKS',
  /** A better_sqlite3.node built for this runtime (Electron); default better-sqlite3's own build. */
  sqliteBinding: 'AGENTTRACE_SQLITE_BINDING',
  /** The sample trace offered on first launch; default resources/sample/sample.agenttrace. */
  sample: 'AGENTTRACE_SAMPLE',
  /** Any value: the CLI prints stack traces of failures. */
  debug: 'AGENTTRACE_DEBUG',
} as const;

/** A variable of the protocol. */
export type EnvName = (typeof ENV)[keyof typeof ENV];

/** All protocol variables start with this (a child that must not inherit them filters on it). */
export const ENV_PREFIX = 'AGENTTRACE_';

/** The home folder's name under the user's home directory. */
export const HOME_DIR_NAME = '.agenttrace';

/** Exit code of a recorded agent whose host gave up before the agent's code ran (see ENV.hostReady). */
export const EXIT_NO_HOST = 86;

/** Steps between state keyframes when AGENTTRACE_KEYFRAME_EVERY is unset or not a positive number. */
export const DEFAULT_KEYFRAME_EVERY = 10;

/**
 * Variables the host decides for each agent: inherited values (a user's shell left in environment-variable mode, a
 * host that is itself an agent under test) must never reach the child, or it would write into the wrong journal.
 */
export const HOST_OWNED_ENV: readonly EnvName[] = [ENV.mode, ENV.journal, ENV.runId, ENV.replayId, ENV.tape, ENV.step, ENV.branch, ENV.name, ENV.script, ENV.hostPid, ENV.hostReady, ENV.keyframeEvery, ENV.home];

/** An environment to read (process.env or a host's copy). */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/** The protocol as read from an environment: absent values are undefined, flags and numbers have their defaults. */
export interface AgentEnv {
  mode?: 'record' | 'replay';
  journal?: string;
  runId?: string;
  replayId?: string;
  tape?: string;
  step?: string;
  branch?: string;
  offline: boolean;
  onDivergence?: string;
  pace?: string;
  name?: string;
  script?: string;
  hostReady?: string;
  keyframeEvery: number;
  home?: string;
  locals: boolean;
  /** AGENTTRACE_LOCALS=exceptions. */
  localsOnExceptions: boolean;
  testHooks: boolean;
  sqliteBinding?: string;
  sample?: string;
  debug: boolean;
}

/** Reads the protocol from `env`. Path-like values are taken as given; ids and options are trimmed. */
export function parseAgentEnv(env: EnvVars): AgentEnv {
  const raw = (n: EnvName): string | undefined => env[n] || undefined;
  const trimmed = (n: EnvName): string | undefined => env[n]?.trim() || undefined;
  const lower = (n: EnvName): string | undefined => trimmed(n)?.toLowerCase();
  const mode = lower(ENV.mode);
  return {
    mode: mode === 'record' || mode === 'replay' ? mode : undefined,
    journal: raw(ENV.journal),
    runId: raw(ENV.runId),
    replayId: trimmed(ENV.replayId),
    tape: raw(ENV.tape),
    step: trimmed(ENV.step),
    branch: trimmed(ENV.branch),
    offline: /^(1|true|yes)$/i.test(env[ENV.offline] ?? ''),
    onDivergence: lower(ENV.onDivergence),
    pace: lower(ENV.pace),
    name: raw(ENV.name),
    script: raw(ENV.script),
    hostReady: raw(ENV.hostReady),
    keyframeEvery: Math.max(1, Number(env[ENV.keyframeEvery]) || DEFAULT_KEYFRAME_EVERY),
    home: trimmed(ENV.home),
    locals: !['off', '0', 'false'].includes((env[ENV.locals] ?? '').toLowerCase()),
    localsOnExceptions: (env[ENV.locals] ?? '').trim().toLowerCase() === 'exceptions',
    testHooks: env[ENV.testHooks] === '1',
    sqliteBinding: trimmed(ENV.sqliteBinding),
    sample: raw(ENV.sample),
    debug: Boolean(env[ENV.debug]),
  };
}
