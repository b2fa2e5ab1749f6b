/**
 * The import part of the contract: trace files dropped on the workbench (by path in Electron, by upload in a
 * browser) and the sample trace offered on first launch. Each file is imported on its own, so one bad file among
 * several dropped ones is reported by name while the others still import.
 */
import { z } from 'zod';
import type { AtrErrorCode } from '../errors.js';
import { MAX_UPLOAD_BYTES } from './limits.js';
import type { ApiOf } from './schema.js';

/** How one file's import ended: what to open, or why it failed (shown in the error banner with the file name). */
export type ImportOutcome =
  | { file: string; ok: true; focus: string; root: string; runIds: string[]; alreadyImported: boolean }
  | { file: string; ok: false; code: AtrErrorCode; message: string };

export const importParams = {
  /** Imports trace files by path (Electron: dropped files via the preload's pathForFile, menu, OS open-file). */
  importTraceFiles: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(100) }).strict(),
  /**
   * Imports one trace file's bytes (browser mode, where a dropped file has no path), base64, MAX_UPLOAD_BYTES max.
   * base64 is 4/3 of the bytes; the exact byte limit is checked after decoding.
   */
  uploadTraceFile: z.object({ name: z.string().min(1).max(255), dataB64: z.string().max(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 4) }).strict(),
  /** Imports the sample trace shipped in resources/sample (first launch: see everything without an API key). */
  importSample: z.object({}).strict(),
};

export interface ImportResults {
  importTraceFiles: { outcomes: ImportOutcome[] };
  uploadTraceFile: ImportOutcome;
  importSample: ImportOutcome;
}

export type ImportApi = ApiOf<typeof importParams, ImportResults>;
