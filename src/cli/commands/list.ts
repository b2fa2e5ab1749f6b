/** `agenttrace list`: the recorded runs, newest first. */
import { withCosts } from '../../engine/runs/runCost.js';
import { failureClasses } from '../../engine/store/failureStore.js';
import { loadPrices, pricesFile } from '../../engine/settings/prices.js';
import { formatUsd } from '../../shared/model/pricing.js';
import type { RunSummary } from '../../shared/rpc/contract.js';
import type { Command } from '../context.js';
import { openCliStore } from '../context.js';
import { statusWithClass } from '../failureLines.js';
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
      const page = store.listRuns({ limit: args.options.limit as number | undefined });
      const prices = loadPrices(store.home);
      if (prices.warning) ctx.printer.err(`agenttrace: warning: ${prices.warning}\n`);
      const classes = failureClasses(store, page.runs.map((r) => r.id));
      // failureClass: the class detection stored for the run (absent for clean runs).
      const runs = withCosts(store, page.runs, prices.table).map((r) => (classes.has(r.id) ? { ...r, failureClass: classes.get(r.id) } : r));
      const total = page.total;
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
        statusWithClass(r.status, 'failureClass' in r ? r.failureClass : undefined),
        String(r.steps),
        String(r.llmCalls),
        String(r.totalTokens),
        costCell(r),
        formatTime(r.startedAt),
        r.durationMs !== undefined ? formatDuration(r.durationMs) : r.status === 'running' ? `${formatDuration(now - r.startedAt)}…` : '-',
      ]);
      ctx.printer.out(table(['ID', 'NAME/SCRIPT', 'STATUS', 'STEPS', 'LLM CALLS', 'TOKENS', 'COST', 'STARTED', 'DURATION'], rows, [3, 4, 5, 6]));
      if (total > runs.length) ctx.printer.out(`… ${total - runs.length} more (use --limit)\n`);
      if (runs.some((r) => (r.unpricedCalls ?? 0) > 0)) {
        ctx.printer.out(`? cost unknown for some LLM calls (model not in the price table, or no usage recorded): add prices to ${pricesFile(store.home)}\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};

/** Compact cost cell: "$0.0123", "$0.0123+?" when some calls are unpriced, "?" when none could be priced. */
function costCell(r: RunSummary): string {
  if (r.costUsd === undefined) return '?';
  return (r.unpricedCalls ?? 0) > 0 ? `${formatUsd(r.costUsd)}+?` : formatUsd(r.costUsd);
}
