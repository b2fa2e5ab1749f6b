/**
 * Plain constants of the contract that the UI needs as values. They live apart from the params schemas so the
 * renderer bundle imports them without zod.
 */

/** Largest trace file accepted by upload (browser mode); larger files are imported with `agenttrace import`. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** The file extension of trace files; the drop zone ignores other files with a message. */
export const TRACE_FILE_EXT = '.agenttrace';

/** The script extensions the runner can start (TypeScript through tsx). */
export const SCRIPT_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const;
