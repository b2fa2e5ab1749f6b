/**
 * `agenttrace import FILE…`: loads trace files into the store. Each file is imported on its own, in one store
 * transaction (all of it or nothing); a bad file gets one error line and the others still load.
 */
import path from 'node:path';
import { toAtrError } from '../../engine/errors.js';
import { importTraceFile, type ImportOptions, type ImportResult } from '../../engine/traceFile/importTrace.js';
import type { TraceStore } from '../../engine/store/store.js';
import type { OptionSpec, ParsedArgs } from '../args.js';
import type { CliContext, Command } from '../context.js';
import { openCliStore } from '../context.js';
import type { Printer } from '../printer.js';

const MiB = 1024 * 1024;

/** Size limits shared by import and open. */
export const LIMIT_OPTIONS: OptionSpec[] = [
  { name: 'max-file-mb', type: 'int', min: 1, valueName: 'N', description: 'refuse files larger than N MiB (default 512)' },
  { name: 'max-data-mb', type: 'int', min: 1, valueName: 'N', description: 'refuse files that decompress to more than N MiB (default 4096)' },
];

export function importOptions(args: ParsedArgs, display: string): ImportOptions {
  const limits: ImportOptions['limits'] = {};
  if (args.options['max-file-mb'] !== undefined) limits.maxFileBytes = (args.options['max-file-mb'] as number) * MiB;
  if (args.options['max-data-mb'] !== undefined) limits.maxDataBytes = (args.options['max-data-mb'] as number) * MiB;
  return { display, limits };
}

export const importCommand: Command = {
  spec: {
    name: 'import',
    summary: 'Load .agenttrace files into the store (importing a file twice changes nothing).',
    usage: 'import FILE… [--json] [--max-file-mb N] [--max-data-mb N]',
    positionals: [{ name: 'file', required: true, description: 'a trace file written by `agenttrace export`' }],
    rest: { name: 'FILE…', description: 'more trace files' },
    options: [{ name: 'json', type: 'boolean', description: 'print one JSON result per file: {file, ok, root, focus, runs, …} or {file, ok: false, error}' }, ...LIMIT_OPTIONS],
    examples: ['agenttrace import bug-1234.agenttrace', 'agenttrace import traces/*.agenttrace --json'],
    notes: ['Exit code 0 when every file was imported (or already was), 1 when any file failed.'],
  },
  async run(args, ctx) {
    const files = [args.positionals[0], ...args.rest];
    const store = openCliStore(ctx);
    const results: unknown[] = [];
    let failed = 0;
    try {
      for (const f of files) {
        try {
          const r = await importOne(store, f, args, ctx);
          if (args.options.json) results.push({ ok: true, ...r });
          else printImport(r, ctx.printer);
        } catch (e) {
          failed++;
          const err = toAtrError(e);
          if (args.options.json) results.push({ file: f, ok: false, error: err.toErrorJson() });
          else ctx.printer.err(`agenttrace: ${err.toLine()}\n`);
        }
      }
    } finally {
      store.close();
    }
    if (args.options.json) ctx.printer.json(results);
    return failed > 0 ? 1 : 0;
  },
};

export function importOne(store: TraceStore, file: string, args: ParsedArgs, ctx: CliContext): Promise<ImportResult> {
  return importTraceFile(store, path.resolve(ctx.cwd, file), importOptions(args, file));
}

/** One summary line per file (stdout), notes on stderr. */
export function printImport(r: ImportResult, printer: Printer): void {
  const added = r.runs.filter((x) => x.action !== 'same');
  const n = r.runs.length;
  if (r.alreadyImported) printer.out(`${r.file}: already imported (${n} run${n === 1 ? '' : 's'}, root ${r.root})\n`);
  else {
    const same = n - added.length;
    const events = added.reduce((s, x) => s + x.events, 0);
    printer.out(
      `Imported ${r.file}: ${added.length} run${added.length === 1 ? '' : 's'}${same ? ` (${same} already present)` : ''}, ${events} events, ${r.blobsAdded} new blob${r.blobsAdded === 1 ? '' : 's'}; root ${r.root}\n`,
    );
  }
  for (const x of r.runs) {
    if (x.action === 'completed') printer.out(`  completed ${x.id}${x.partialUpTo !== undefined ? ` (now up to step ${x.partialUpTo})` : ''}\n`);
    else if (x.action === 'new' && x.partialUpTo !== undefined) printer.out(`  ${x.id}: partial copy up to step ${x.partialUpTo} (the ancestor of a branch)\n`);
  }
  if (r.fixesAdded > 0) printer.out(`  with ${r.fixesAdded} fix report${r.fixesAdded === 1 ? '' : 's'}${r.fixesPresent ? ` (${r.fixesPresent} already present)` : ''}\n`);
  for (const m of r.missingScripts) printer.err(`agenttrace: note: the script of ${m.runId} is not on this machine (${m.scriptPath}); replay it with --script PATH\n`);
}
