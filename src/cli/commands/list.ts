/** `agenttrace list`: the recorded runs, newest first. */
import type { Command } from '../context.js';
import { openCliStore } from '../context.js';
import { formatDuration, formatTime, runLabel, table, truncate, uniquePrefixLength } from '../format.js';

export const listCommand: Command = {
  spec: {
    name: 'list',
    summary: 'List recorded runs, newest first.',
    usage: 'list [--json] [--limit N]',
    positionals: [],
    options: [
      { name: 'json', type: 'boolean', description: 'print the runs as a JSON array' },
      { name: 'limit', type: 'int', min: 1, valueName: 'N', description: 'show at most N runs' },
    ],
  },
  async run(args, ctx) {
    const store = openCliStore(ctx);
    try {
      const { runs, total } = store.listRuns({ limit: args.options.limit as number | undefined });
      if (args.options.json) {
        ctx.printer.json(runs);
        return 0;
      }
      if (runs.length === 0) {
        ctx.printer.out('No runs recorded yet. Record one with: agenttrace record <script>\n');
        return 0;
      }
      const n = uniquePrefixLength(runs.map((r) => r.id));
      const now = Date.now();
      const rows = runs.map((r) => [
        r.id.slice(0, n),
        truncate(runLabel(r), 32),
        r.status,
        String(r.steps),
        String(r.llmCalls),
        String(r.totalTokens),
        formatTime(r.startedAt),
        r.durationMs !== undefined ? formatDuration(r.durationMs) : r.status === 'running' ? `${formatDuration(now - r.startedAt)}…` : '-',
      ]);
      ctx.printer.out(table(['ID', 'NAME/SCRIPT', 'STATUS', 'STEPS', 'LLM CALLS', 'TOKENS', 'STARTED', 'DURATION'], rows, [3, 4, 5]));
      if (total > runs.length) ctx.printer.out(`… ${total - runs.length} more (use --limit)\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
