/**
 * The error codes of AgentTrace, in one place for every layer (CONVENTIONS §5: errors are values with codes). The
 * engine's AtrError classes (src/engine/errors.ts) carry them; they cross processes and transports as
 * `{code, message, data?}`; the UI, the SDK and the CLI compare against these constants instead of typing strings.
 * Never renumber or reuse a code: UIs and scripts match on them.
 */

/** Every stable code, by short name. */
export const ATR = {
  /** An unexpected failure (a bug): set AGENTTRACE_DEBUG=1 for details and report it. */
  INTERNAL: 'ATR_INTERNAL',
  /** A command line or an action's arguments that cannot be understood or do not apply (CLI exit code 2). */
  BAD_ARGS: 'ATR_BAD_ARGS',
  /** No run, event, file or fix with this id. */
  NOT_FOUND: 'ATR_NOT_FOUND',
  /** An id prefix that matches more than one run. */
  AMBIGUOUS_ID: 'ATR_AMBIGUOUS_ID',
  /** The agent's script does not exist or is not a file. */
  SCRIPT_NOT_FOUND: 'ATR_SCRIPT_NOT_FOUND',
  /** The SDK bundle or tsx is missing from the installation (run `npm run build:cli`). */
  SDK_MISSING: 'ATR_SDK_MISSING',
  /** The agent process could not be started. */
  SPAWN: 'ATR_SPAWN',
  /** The store cannot be opened or written. */
  STORE: 'ATR_STORE',
  /** The store was written by a newer AgentTrace. */
  STORE_VERSION: 'ATR_STORE_VERSION',
  /** A journal line or trace file written by a newer trace format. */
  TRACE_VERSION: 'ATR_TRACE_VERSION',
  /** A trace file that cannot be read, or is too large for the workbench. */
  TRACE_FILE: 'ATR_TRACE_FILE',
  /** An imported run clashes with a different stored run of the same id. */
  IMPORT_CONFLICT: 'ATR_IMPORT_CONFLICT',
  /** An export found something that looks like a secret. */
  SECRET_FOUND: 'ATR_SECRET_FOUND',
  /** An agent's journal cannot be read. */
  JOURNAL: 'ATR_JOURNAL',
  /** Replay: the agent tried to reach the network with a call that was not recorded. */
  REPLAY_NETWORK: 'ATR_REPLAY_NETWORK',
  /** Replay: the tape could not be obtained or read before the agent started. */
  REPLAY_SETUP: 'ATR_REPLAY_SETUP',
  /** Replay: the agent called something the replay sandbox refuses (child processes, threads, native bindings...). */
  REPLAY_SANDBOX: 'ATR_REPLAY_SANDBOX',
  /** AutoFix: a file changed since the fix was computed (its sha256 no longer matches). */
  FIX_STALE: 'ATR_FIX_STALE',
  /** AutoFix: the AI provider (Groq) failed, refused the key or answered something unusable. */
  AI: 'ATR_AI',
  /** A long operation was cancelled by the user. */
  CANCELLED: 'ATR_CANCELLED',
  /** Contract edge: a method name the dispatcher does not list. */
  UNKNOWN_METHOD: 'ATR_UNKNOWN_METHOD',
  /** Contract edge: params refused by the method's schema. */
  BAD_PARAMS: 'ATR_BAD_PARAMS',
  /** Contract edge: a request body that is not JSON. */
  BAD_JSON: 'ATR_BAD_JSON',
  /** Contract edge (browser mode): missing or wrong token. */
  UNAUTHORIZED: 'ATR_UNAUTHORIZED',
  /** Contract edge (desktop): the IPC caller is not a workbench window. */
  FORBIDDEN: 'ATR_FORBIDDEN',
  /** OpenTelemetry export: the collector could not be reached or refused the spans. */
  OTEL_EXPORT: 'ATR_OTEL_EXPORT',
} as const;

/** A stable error code. */
export type AtrErrorCode = (typeof ATR)[keyof typeof ATR];

/** The codes the contract edge itself produces (every other code crosses unchanged from the engine). */
export const RPC_ERROR = {
  unknownMethod: ATR.UNKNOWN_METHOD,
  badParams: ATR.BAD_PARAMS,
  badJson: ATR.BAD_JSON,
  unauthorized: ATR.UNAUTHORIZED,
  forbidden: ATR.FORBIDDEN,
  internal: ATR.INTERNAL,
} as const;

/** The wire form of an error: what crosses processes and transports. */
export interface AtrErrorJson {
  code: string;
  message: string;
  data?: unknown;
}
