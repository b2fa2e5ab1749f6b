/**
 * Errors of trace files. Every message starts with the file it is about, so `import a b c` says which one failed;
 * the CLI prints `agenttrace: <file>: <reason> (<hint>)` and exits non-zero.
 */
import { AtrError } from '../errors.js';

/** A file that is not a trace file, or a damaged, truncated, oversized or hostile one. */
export class TraceFileError extends AtrError {
  constructor(file: string, reason: string, hint = 'the file is damaged or not an AgentTrace trace file; export it again', data?: Record<string, unknown>) {
    super('ATR_TRACE_FILE', `${file}: ${reason}`, { hint, data: { file, ...data } });
  }
}

/**
 * The path is a folder, a FIFO, a device or a socket: refused before anything is read (a FIFO or /dev/zero would
 * otherwise hang the import or feed it forever). One line: `not a regular file: <path> (a FIFO)`.
 */
export class NotRegularFileError extends AtrError {
  constructor(file: string, kind: string) {
    super('ATR_TRACE_FILE', `not a regular file: ${file} (${kind})`, { hint: 'import a .agenttrace file written by `agenttrace export`', data: { file, kind } });
  }
}

/** A file written by a newer AgentTrace (or an older one than any step of the modernizer chain knows). */
export class TraceFileVersionError extends AtrError {
  constructor(file: string, found: number, supported: number, first: number) {
    const newer = found > supported;
    super(
      'ATR_TRACE_VERSION',
      newer
        ? `${file}: made by a newer AgentTrace (format ${found}, this one reads up to ${supported})`
        : `${file}: trace format ${found} is older than any this AgentTrace reads (formats ${first}..${supported})`,
      { hint: newer ? 'upgrade AgentTrace to open it' : 'open it with the AgentTrace version that wrote it and export it again', data: { file, found, supported } },
    );
  }
}

/** The file holds a run whose id is taken in the store by a run with different content. */
export class ImportConflictError extends AtrError {
  constructor(file: string, runId: string, why: string) {
    super('ATR_IMPORT_CONFLICT', `${file}: run ${runId} already exists in the store with different content (${why})`, {
      hint: 'it is another run with the same id: delete the stored one first, or import into another AGENTTRACE_HOME',
      data: { file, runId },
    });
  }
}

/** Export refused: the written file would contain a secret. Nothing is left on disk. */
export class SecretFoundError extends AtrError {
  constructor(file: string, findings: string[]) {
    super('ATR_SECRET_FOUND', `export refused, ${file} would contain ${findings.length === 1 ? 'a secret' : `${findings.length} secrets`}: ${findings.slice(0, 3).join('; ')}${findings.length > 3 ? '; …' : ''}`, {
      hint: 'nothing was written; the secret was stored before masking covered it — delete that run, re-record with the secret in an env var named *_KEY/*_TOKEN, or pass --allow-secrets to write it anyway',
      data: { file, findings },
    });
  }
}
