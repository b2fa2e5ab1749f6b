/**
 * The recording part of the contract: "Record a script…" on the Traces screen (and the desktop menu's Record
 * Script…) starts the agent under the recorder in the background. The call returns once the run exists in the
 * store, so the UI can open it at once; its progress and end arrive as runUpdated events.
 */
import { z } from 'zod';
import type { ApiOf } from './schema.js';

export const recordParams = {
  /**
   * Records `script` (relative paths resolve against `cwd`, default the host's working folder) with `args` as its
   * argv. Fails at once with ATR_SCRIPT_NOT_FOUND (missing or not a file) or ATR_BAD_ARGS (unsupported extension,
   * missing folder); otherwise resolves with the new run's id while the agent is still running.
   */
  recordScript: z
    .object({
      script: z.string().min(1).max(4096),
      args: z.array(z.string().max(100_000)).max(1000).optional(),
      name: z.string().max(200).optional(),
      cwd: z.string().min(1).max(4096).optional(),
    })
    .strict(),
};

export interface RecordResults {
  recordScript: { runId: string };
}

export type RecordApi = ApiOf<typeof recordParams, RecordResults>;
