/**
 * Errors are values with codes (CONVENTIONS §5). Every failure the engine expects is an AtrError subclass with a
 * stable `code`, a one-line `message` (what and where) and a `hint` (what to do). They cross processes and
 * transports as `{code, message, data?}` via toErrorJson(); the CLI prints `agenttrace: <message> (<hint>)`.
 * The codes themselves live in src/shared/errors.ts, so the UI, the SDK and the CLI share them.
 */
import { ATR, type AtrErrorCode, type AtrErrorJson } from '../shared/errors.js';

export { ATR, type AtrErrorCode, type AtrErrorJson } from '../shared/errors.js';

export class AtrError extends Error {
  readonly code: AtrErrorCode;
  readonly hint: string | undefined;
  readonly data: unknown;

  constructor(code: AtrErrorCode, message: string, opts: { hint?: string; data?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = opts.hint;
    this.data = opts.data;
  }

  /** The wire form (contract errors, `--json` output). The hint rides in data so UIs can show it. */
  toErrorJson(): AtrErrorJson {
    const data = this.hint === undefined ? this.data : { ...(isRecord(this.data) ? this.data : this.data === undefined ? {} : { detail: this.data }), hint: this.hint };
    return data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data };
  }

  /** One line for humans: `message (hint)`. */
  toLine(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A command line that cannot be understood (unknown flag, missing value). CLI exit code 2. */
export class BadArgsError extends AtrError {
  constructor(message: string, hint = 'see `agenttrace --help`') {
    super(ATR.BAD_ARGS, message, { hint });
  }
}

/** No run (or event) with this id. */
export class NotFoundError extends AtrError {
  constructor(message: string, hint = 'run `agenttrace list` to see the recorded runs', data?: unknown) {
    super(ATR.NOT_FOUND, message, { hint, data });
  }
}

/** An id prefix that matches more than one run. */
export class AmbiguousIdError extends AtrError {
  constructor(prefix: string, candidates: string[]) {
    super(ATR.AMBIGUOUS_ID, `id prefix "${prefix}" matches ${candidates.length > 5 ? 'more than 5' : candidates.length} runs: ${candidates.slice(0, 5).join(', ')}`, {
      hint: 'type more characters of the id',
      data: { prefix, candidates: candidates.slice(0, 5) },
    });
  }
}

export class ScriptNotFoundError extends AtrError {
  constructor(scriptPath: string) {
    super(ATR.SCRIPT_NOT_FOUND, `script not found: ${scriptPath}`, { hint: 'check the path; it is resolved from the current directory', data: { scriptPath } });
  }
}

/** The SDK bundle (dist/sdk/register.mjs) or tsx is missing from this installation. */
export class SdkMissingError extends AtrError {
  constructor(what: string, tried: string) {
    super(ATR.SDK_MISSING, `${what} not found at ${tried}`, { hint: 'run `npm run build:cli` in the agenttrace folder', data: { tried } });
  }
}

/** The agent process could not be started (bad --node path, permissions). */
export class SpawnError extends AtrError {
  constructor(command: string, cause: unknown) {
    super(ATR.SPAWN, `cannot start ${command}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      hint: 'check --node PATH (default: the node running agenttrace)',
      cause,
      data: { command },
    });
  }
}

/** The store cannot be opened or written. */
export class StoreError extends AtrError {
  constructor(message: string, hint: string, data?: unknown, cause?: unknown) {
    super(ATR.STORE, message, { hint, data, cause });
  }
}

/** The store was written by a newer AgentTrace (schema version above what this build knows). */
export class StoreVersionError extends AtrError {
  constructor(file: string, found: number, supported: number) {
    super(ATR.STORE_VERSION, `store ${file} has schema version ${found}, this AgentTrace supports up to ${supported}`, {
      hint: 'upgrade AgentTrace, or point AGENTTRACE_HOME at another folder',
      data: { file, found, supported },
    });
  }
}

/** A trace (journal line, trace file) written by a newer format version. */
export class TraceVersionError extends AtrError {
  constructor(where: string, found: number, supported: number) {
    super(ATR.TRACE_VERSION, `${where} uses trace format ${found}, this AgentTrace supports up to ${supported}`, {
      hint: 'upgrade AgentTrace to read it',
      data: { found, supported },
    });
  }
}

/** Turns anything thrown into an AtrError (unknown failures become ATR_INTERNAL). */
export function toAtrError(e: unknown): AtrError {
  if (e instanceof AtrError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AtrError(ATR.INTERNAL, `internal error: ${message}`, { hint: 'set AGENTTRACE_DEBUG=1 for details and please report it', cause: e });
}
