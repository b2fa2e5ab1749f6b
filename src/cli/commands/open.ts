/** `agenttrace open FILE`: imports a trace file, then shows the run it was exported for (as `show` does). */
import type { Command } from '../context.js';
import { openCliStore } from '../context.js';
import { importOne, LIMIT_OPTIONS, printImport } from './import.js';
import { showCommand } from './show.js';

export const openCommand: Command = {
  spec: {
    name: 'open',
    summary: 'Import an .agenttrace file and show its run.',
    usage: 'open FILE [--json] [--max-file-mb N] [--max-data-mb N]',
    positionals: [{ name: 'file', required: true, description: 'a trace file written by `agenttrace export`' }],
    options: [{ name: 'json', type: 'boolean', description: 'print the run as `show --json` does' }, ...LIMIT_OPTIONS],
    examples: ['agenttrace open bug-1234.agenttrace'],
  },
  async run(args, ctx) {
    const store = openCliStore(ctx);
    let focus: string;
    try {
      const r = await importOne(store, args.positionals[0], args, ctx);
      // The import summary goes to stderr: stdout is exactly what `show` prints.
      printImport(r, { ...ctx.printer, out: (s) => ctx.printer.err(s) });
      focus = r.focus;
    } finally {
      store.close();
    }
    return showCommand.run({ positionals: [focus], options: { json: args.options.json }, rest: [] }, ctx);
  },
};
