/**
 * The import part of the contract: trace files dropped on the workbench (by path in Electron, by upload in a
 * browser) and the sample trace offered on first launch. Each file is imported on its own, so one bad file among
 * several dropped ones is reported by name while the others still import.
 */
import type { AtrErrorCode } from '../errors.js';

/** How one file's import ended: what to open, or why it failed (shown in the error banner with the file name). */
export type ImportOutcome =
  | { file: string; ok: true; focus: string; root: string; runIds: string[]; alreadyImported: boolean }
  | { file: string; ok: false; code: AtrErrorCode; message: string };

/** Largest trace file accepted by upload (browser mode); larger files are imported with `agenttrace import`. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** The file extension of trace files; the drop zone ignores other files with a message. */
export const TRACE_FILE_EXT = '.agenttrace';

export interface ImportApi {
  /** Imports trace files by path (Electron: dropped files via the preload's pathForFile, menu, OS open-file). */
  importTraceFiles(params: { paths: string[] }): Promise<{ outcomes: ImportOutcome[] }>;
  /** Imports one trace file's bytes (browser mode, where a dropped file has no path), base64, MAX_UPLOAD_BYTES max. */
  uploadTraceFile(params: { name: string; dataB64: string }): Promise<ImportOutcome>;
  /** Imports the sample trace shipped in resources/sample (first launch: see everything without an API key). */
  importSample(params: Record<string, never>): Promise<ImportOutcome>;
}

export const IMPORT_METHOD_NAMES = ['importTraceFiles', 'uploadTraceFile', 'importSample'] as const;
