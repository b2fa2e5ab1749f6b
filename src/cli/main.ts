/**
 * The `agenttrace` command. `bin/agenttrace.mjs` imports the bundled build of this file and sets
 * process.exitCode from main()'s result (no process.exit here, so stdout is always flushed).
 * Errors: one line `agenttrace: <message> (<hint>)` on stderr; exit 2 for usage errors (ATR_BAD_ARGS), 1 otherwise;
 * a stack trace only when AGENTTRACE_DEBUG is set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AtrError, BadArgsError, toAtrError } from '../engine/errors.js';
import { ATR } from '../shared/errors.js';
import { ENV, HOME_DIR_NAME, parseAgentEnv } from '../shared/trace/envProtocol.js';
import { packageRoot } from '../engine/runner/sdkPaths.js';
import { commandHelp, pad, parseArgs } from './args.js';
import type { CliContext, Command } from './context.js';
import { streamPrinter, type Printer } from './printer.js';

/**
 * Registered commands, in help order, each loaded on first use: a command pays only for its own modules, and
 * `record` starts the agent before the store and the rest of the engine are even loaded.
 */
const COMMANDS = new Map<string, () => Promise<Command>>([
  ['record', async () => (await import('./commands/record.js')).recordCommand],
  ['list', async () => (await import('./commands/list.js')).listCommand],
  ['show', async () => (await import('./commands/show.js')).showCommand],
  ['replay', async () => (await import('./commands/replay.js')).replayCommand],
  ['test', async () => (await import('./commands/test.js')).testCommand],
  ['branch', async () => (await import('./commands/branch.js')).branchCommand],
  ['fix', async () => (await import('./commands/fix.js')).fixCommand],
  ['diff', async () => (await import('./commands/diff.js')).diffCommand],
  ['export', async () => (await import('./commands/export.js')).exportCommand],
  ['import', async () => (await import('./commands/import.js')).importCommand],
  ['open', async () => (await import('./commands/open.js')).openCommand],
  ['tape', async () => (await import('./commands/tape.js')).tapeCommand],
  ['ui', async () => (await import('./commands/ui.js')).uiCommand],
]);

export interface MainOptions {
  printer?: Printer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const ctx: CliContext = { printer: opts.printer ?? streamPrinter(), env: opts.env ?? process.env, cwd: opts.cwd ?? process.cwd() };
  if (!opts.printer) ignoreEpipe();
  try {
    return await dispatch(argv, ctx);
  } catch (e) {
    const err = toAtrError(e);
    ctx.printer.err(`agenttrace: ${err.toLine()}\n`);
    if (parseAgentEnv(ctx.env).debug && e instanceof Error && e.stack) ctx.printer.err(e.stack + '\n');
    return exitCodeForError(err);
  }
}

async function dispatch(argv: string[], ctx: CliContext): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    ctx.printer.out(await globalHelp());
    return 0;
  }
  if (first === '--version' || first === '-v') {
    ctx.printer.out(version() + '\n');
    return 0;
  }
  if (first === 'help') {
    const cmd = rest[0] === undefined ? undefined : await findCommand(rest[0]);
    ctx.printer.out(cmd ? commandHelp(cmd.spec) : await globalHelp());
    return 0;
  }
  if (first.startsWith('-')) throw new BadArgsError(`unknown option ${first}`, 'see `agenttrace --help`');
  const cmd = await findCommand(first);
  const args = parseArgs(cmd.spec, rest);
  if (args.options.help) {
    ctx.printer.out(commandHelp(cmd.spec));
    return 0;
  }
  return cmd.run(args, ctx);
}

async function findCommand(name: string): Promise<Command> {
  const load = COMMANDS.get(name);
  if (!load) throw new BadArgsError(`unknown command "${name}"`, `commands: ${[...COMMANDS.keys()].join(', ')}; see \`agenttrace --help\``);
  return load();
}

function exitCodeForError(err: AtrError): number {
  return err.code === ATR.BAD_ARGS ? 2 : 1;
}

function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function globalHelp(): Promise<string> {
  const commands = await Promise.all([...COMMANDS.values()].map((load) => load()));
  return [
    `AgentTrace ${version()} — a time-travel debugger for Node/TypeScript LLM agents`,
    '',
    'Usage: agenttrace <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${pad(c.spec.name, 10)}${c.spec.summary}`),
    '',
    'Options:',
    '  -h, --help      show help (also: agenttrace <command> --help)',
    '  -v, --version   print the version',
    '',
    'Environment:',
    `  ${pad(ENV.home, 26)}where traces are stored (default ~/${HOME_DIR_NAME})`,
    `  ${pad(ENV.sqliteBinding, 26)}a better_sqlite3.node built for this runtime`,
    '',
  ].join('\n');
}

/** `agenttrace list | head` closes stdout early; that is not an error worth a stack trace. */
function ignoreEpipe(): void {
  for (const s of [process.stdout, process.stderr]) {
    if (s.listenerCount('error') === 0) s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
}
