/**
 * The recording part of the contract: "Record a script…" on the Traces screen (and the desktop menu's Record
 * Script…) starts the agent under the recorder in the background. The call returns once the run exists in the
 * store, so the UI can open it at once; its progress and end arrive as runUpdated events.
 */

/** The script extensions the runner can start (TypeScript through tsx). */
export const SCRIPT_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const;

export interface RecordApi {
  /**
   * Records `script` (relative paths resolve against `cwd`, default the host's working folder) with `args` as its
   * argv. Fails at once with ATR_SCRIPT_NOT_FOUND (missing or not a file) or ATR_BAD_ARGS (unsupported extension,
   * missing folder); otherwise resolves with the new run's id while the agent is still running.
   */
  recordScript(params: { script: string; args?: string[]; name?: string; cwd?: string }): Promise<{ runId: string }>;
}

export const RECORD_METHOD_NAMES = ['recordScript'] as const;
