/**
 * The source part of the contract: the text of a user file as it was recorded (the script at start, every own file
 * on a failing stack at the error), for the source panel of the Trace screen.
 */
import { z } from 'zod';
import { runId, type ApiOf } from './schema.js';

/** A user file's source as recorded, and whether the file on disk still matches it. */
export interface SourceView {
  /** file URL, as in stack frames. */
  url: string;
  /** Filesystem path. */
  path: string;
  /** The recorded text (secrets masked). */
  text: string;
  /** sha256 of the file's bytes when recorded. */
  sha256: string;
  /** Where the text was captured: at the start of the run (the script) or when the error happened. */
  capturedAt: 'start' | 'error';
  /** The file on disk differs from the recording (edited or deleted since); null when the host cannot tell. */
  changedOnDisk: boolean | null;
}

export const sourceParams = {
  /**
   * The recorded source of a user file of the run (`file`: a file URL or an absolute path from its stack):
   * ATR_NOT_FOUND when the run recorded no source for it.
   */
  getSource: z.object({ runId, file: z.string().min(1).max(4096) }).strict(),
};

export interface SourceResults {
  getSource: SourceView;
}

export type SourceApi = ApiOf<typeof sourceParams, SourceResults>;
