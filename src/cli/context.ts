/** What every command gets: the printer, the environment, and a store opened the CLI way (with recovery). */
import { agentTraceHome } from '../engine/settings/paths.js';
import { recoverJournals } from '../engine/runner/recoverJournals.js';
import { openStore, type TraceStore } from '../engine/store/store.js';
import type { ParsedArgs, CommandSpec } from './args.js';
import type { Printer } from './printer.js';

export interface CliContext {
  printer: Printer;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  spec: CommandSpec;
  /** Returns the process exit code. Throws AtrError for expected failures (printed as one line by main). */
  run(args: ParsedArgs, ctx: CliContext): Promise<number>;
}

/**
 * Opens the store at $AGENTTRACE_HOME and recovers journals left by killed hosts or by environment-variable mode,
 * so `list` always shows every run. Journals that cannot be recovered stay on disk and are reported on stderr.
 */
export function openCliStore(ctx: CliContext): TraceStore {
  const store = openStore({ home: agentTraceHome(ctx.env), env: ctx.env });
  const report = recoverJournals(store);
  for (const f of report.failed) ctx.printer.err(`agenttrace: warning: journal of run ${f.runId} not recovered: ${f.error.toLine()}\n`);
  return store;
}
