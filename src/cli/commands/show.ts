/** `agenttrace show <id>`: a run and its events; with --step, one event plus the state at that step. */
import { BadArgsError, NotFoundError } from '../../engine/errors.js';
import { costFields, lineageCost, type LineageCost } from '../../engine/runs/runCost.js';
import { loadPrices } from '../../engine/settings/prices.js';
import { getFailure } from '../../engine/store/failureStore.js';
import type { TraceStore } from '../../engine/store/store.js';
import type { StoredRun } from '../../engine/store/storeTypes.js';
import { formatCost } from '../../shared/model/pricing.js';
import { inheritedText } from '../../shared/model/runLineage.js';
import type { StateAtStep, TraceEvent } from '../../shared/trace/types.js';
import type { Command } from '../context.js';
import { openCliStore } from '../context.js';
import { failureLines, statusWithClass } from '../failureLines.js';
import { renamesAt } from '../../engine/api/runQueries.js';
import { EVENT_KINDS, formatDuration, formatTime, summarizeEvent, table } from '../format.js';
import type { Printer } from '../printer.js';

/** Events printed by the human view when no --limit is given (a run can hold millions of cheap values). */
const DEFAULT_HUMAN_LIMIT = 500;

export const showCommand: Command = {
  spec: {
    name: 'show',
    summary: 'Show a run and its events. With --step N: that event plus the state at that step.',
    usage: 'show <id> [--step N] [--files] [--kind K] [--limit N] [--json]',
    positionals: [{ name: 'id', required: true, description: 'run id or a unique prefix of it' }],
    options: [
      { name: 'step', type: 'int', min: 0, valueName: 'N', description: 'show event N (0-based) and the state at that step' },
      { name: 'files', type: 'boolean', description: 'list the files the agent wrote, renamed or deleted, as at step N (default: the last step)' },
      { name: 'kind', type: 'list', valueName: 'K', description: `only events of these kinds (repeat or comma-separate): ${EVENT_KINDS.join(', ')}` },
      { name: 'limit', type: 'int', min: 1, valueName: 'N', description: `at most N events (default ${DEFAULT_HUMAN_LIMIT} without --json, all with --json)` },
      { name: 'json', type: 'boolean', description: 'print JSON: {run, failure, events} or, with --step, {run, event, state}' },
    ],
    examples: ['agenttrace show 3f2a', 'agenttrace show 3f2a --kind llm,http', 'agenttrace show 3f2a --step 12 --json', 'agenttrace show 3f2a --files'],
  },
  async run(args, ctx) {
    const o = args.options;
    const kinds = (o.kind as string[] | undefined) ?? [];
    const unknown = kinds.filter((k) => !(EVENT_KINDS as readonly string[]).includes(k));
    if (unknown.length > 0) throw new BadArgsError(`unknown event kind ${unknown.join(', ')}`, `kinds: ${EVENT_KINDS.join(', ')}`);
    const store = openCliStore(ctx);
    try {
      const stored = store.getRun(store.resolveRunId(args.positionals[0]));
      const prices = loadPrices(store.home);
      if (prices.warning) ctx.printer.err(`agenttrace: warning: ${prices.warning}\n`);
      const cost = lineageCost(store, stored, prices.table);
      const run = withCostFields(stored, cost);
      if (o.files) return showFiles(store, run, o.step as number | undefined, Boolean(o.json), ctx.printer);
      if (o.step !== undefined) return showStep(store, run, o.step as number, Boolean(o.json), ctx.printer);
      const json = Boolean(o.json);
      const limit = (o.limit as number | undefined) ?? (json ? undefined : DEFAULT_HUMAN_LIMIT);
      // One extra event tells the human view whether there is more.
      const events = store.getEvents(run.id, { kinds, limit: limit === undefined ? undefined : limit + (json ? 0 : 1) });
      const failure = getFailure(store, run.id);
      if (json) {
        ctx.printer.json({ run, failure: failure ?? null, events });
        return 0;
      }
      printRunHeader(run, ctx.printer, cost, failure?.class);
      if (failure) ctx.printer.out(failureLines(failure));
      const shown = events.slice(0, limit);
      ctx.printer.out('\n');
      if (shown.length === 0) ctx.printer.out(kinds.length ? `No ${kinds.join('/')} events.\n` : 'No events recorded.\n');
      else {
        const rows = shown.map((e) => [String(e.seq), `+${formatDuration(e.ts - run.startedAt)}`, e.kind, summarizeEvent(e)]);
        ctx.printer.out(table(['STEP', 'TIME', 'KIND', 'SUMMARY'], rows, [0, 1]));
      }
      if (events.length > shown.length) ctx.printer.out(`… more events not shown (use --limit N or --kind K)\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};

/** `show --files`: the files at a step (the last one by default), one line each; JSON: {seq, files, renamed}. */
function showFiles(store: TraceStore, run: StoredRun, step: number | undefined, json: boolean, printer: Printer): number {
  const last = Math.max(run.steps - 1, run.forkSeq ?? -1);
  if (last < 0) throw new NotFoundError(`run ${run.id} recorded no steps`, 'record a run that does something first', { steps: run.steps });
  const seq = step ?? last;
  if (seq > last) throw new NotFoundError(`run ${run.id} has no step ${seq}`, `steps of this run: 0..${last}`, { step: seq, steps: run.steps });
  const files = store.lineage(run).stateAt(seq).files;
  const renamed = renamesAt(store, run, seq);
  if (json) {
    printer.json({ seq, files, renamed });
    return 0;
  }
  const entries = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));
  printer.out(entries.length ? `Files at step ${seq} of ${run.id}:\n` : `No files written by step ${seq} of ${run.id}.\n`);
  for (const [p, h] of entries) printer.out(`  ${fileLine(p, h, renamed)}\n`);
  return 0;
}

/** The `show --step` view of one step (also printed by `replay --step N --offline` where it stopped). */
export function showStep(store: TraceStore, run: StoredRun, step: number, json: boolean, printer: Printer): number {
  const lineage = store.lineage(run);
  const event = lineage.eventAt(step);
  if (!event) {
    const n = store.countEvents(run.id);
    throw new NotFoundError(`run ${run.id} has no step ${step}`, n > 0 ? `steps of this run: 0..${run.steps - 1}` : 'this run recorded no events', { step, steps: run.steps });
  }
  const state = { ...lineage.stateAt(step), renamed: renamesAt(store, run, step) };
  if (json) {
    printer.json({ run, event, state });
    return 0;
  }
  printer.out(`Run ${run.id}  step ${step} of ${run.steps}\n\n`);
  printEvent(event, run, printer);
  printer.out('\n');
  printState(state, printer);
  return 0;
}

/**
 * The run as `show --json` prints it: costUsd/unpricedCalls of its own calls (like `list`); a branch also gets
 * `lineageCost`, the totals with the calls it inherits up to its fork.
 */
function withCostFields(run: StoredRun, cost: LineageCost): StoredRun & ReturnType<typeof costFields> & { lineageCost?: object } {
  const own = costFields(cost.own);
  if (run.parentId === undefined) return { ...run, ...own };
  return { ...run, ...own, lineageCost: { ...costFields(cost.total), llmCalls: cost.total.llmCalls, totalTokens: cost.total.usage.totalTokens } };
}

function costLine(cost: LineageCost, run: StoredRun): string {
  const of = (c: LineageCost['own']): string => formatCost(c, c.llmCalls);
  const unpriced = [...new Set(cost.total.byModel.filter((m) => m.unpricedCalls > 0).map((m) => m.model ?? '(no model)'))];
  const hint = unpriced.length ? `  (no price or usage for: ${unpriced.join(', ')}; add prices to $AGENTTRACE_HOME/prices.json)` : '';
  if (run.parentId === undefined || cost.inherited.llmCalls === 0) return of(cost.own) + hint;
  return `${of(cost.own)} for this branch's ${cost.own.llmCalls} calls; ${of(cost.total)} with the ${cost.inherited.llmCalls} inherited (${run.forkSeq === undefined ? 'before the fork' : inheritedText(run.forkSeq)})${hint}`;
}

function printRunHeader(run: StoredRun, printer: Printer, cost: LineageCost, failureClass?: string): void {
  const rows: [string, string][] = [
    ['Run', run.id],
    ...(run.name ? ([['Name', run.name]] as [string, string][]) : []),
    ['Script', run.scriptPath + (run.scriptSha256 ? `  (sha256 ${run.scriptSha256.slice(0, 12)})` : '')],
    ...(run.argv.length ? ([['Args', run.argv.map((a) => JSON.stringify(a)).join(' ')]] as [string, string][]) : []),
    ['Status', `${statusWithClass(run.status, failureClass)}${run.exitSignal ? ` (signal ${run.exitSignal})` : run.exitCode !== null ? ` (exit ${run.exitCode})` : ''}`],
    ['Started', formatTime(run.startedAt)],
    ['Duration', run.endedAt !== null ? formatDuration(run.endedAt - run.startedAt) : 'running'],
    ['Steps', String(run.steps)],
    ['LLM calls', String(run.llmCalls)],
    ['Tokens', `${run.usage.totalTokens} (prompt ${run.usage.promptTokens}, completion ${run.usage.completionTokens})`],
    ['Cost', costLine(cost, run)],
    ['Node', `${run.nodeVersion || '?'}  sdk ${run.sdkVersion || '?'}  keyframe every ${run.keyframeEvery}`],
  ];
  for (const [k, v] of rows) printer.out(`${k.padEnd(10)}${v}\n`);
  for (const w of run.warnings) printer.out(`${'Warning'.padEnd(10)}${w}\n`);
}

function printEvent(ev: TraceEvent, run: StoredRun, printer: Printer): void {
  printer.out(`Event ${ev.seq}: ${ev.kind} at +${formatDuration(ev.ts - run.startedAt)}${ev.parentSeq !== undefined ? ` (inside step ${ev.parentSeq})` : ''}\n`);
  printer.out(`  ${summarizeEvent(ev, 200)}\n`);
  if (ev.fingerprint) printer.out(`  fingerprint ${ev.fingerprint}\n`);
  printer.out(indent(JSON.stringify(ev.payload, null, 2)) + '\n');
}

function printState(state: StateAtStep & { renamed: Record<string, string> }, printer: Printer): void {
  printer.out(`State at step ${state.seq}${state.keyframeSeq !== null ? ` (keyframe ${state.keyframeSeq} + deltas)` : ' (no keyframe yet: deltas only)'}\n`);
  const tracked = Object.keys(state.tracked);
  if (tracked.length === 0) printer.out('  tracked: (none)\n');
  for (const name of tracked) printer.out(`  tracked ${name}:\n${indent(JSON.stringify(state.tracked[name], null, 2), 4)}\n`);
  const globals = Object.keys(state.globals);
  if (globals.length) printer.out(`  globals:\n${indent(JSON.stringify(state.globals, null, 2), 4)}\n`);
  if (state.stack.length) {
    printer.out('  stack:\n');
    for (const f of state.stack.slice(0, 10)) printer.out(`    at ${f.functionName || '<anonymous>'} (${f.url}:${f.line}:${f.column})\n`);
  }
  for (const f of state.frames.slice(0, 5)) {
    printer.out(`  locals of ${f.functionName || '<anonymous>'}:\n${indent(JSON.stringify(f.locals, null, 2), 4)}\n`);
  }
  const files = Object.entries(state.files).sort(([a], [b]) => a.localeCompare(b));
  if (files.length) {
    printer.out('  files written:\n');
    for (const [p, h] of files) printer.out(`    ${fileLine(p, h, state.renamed)}\n`);
  }
}

/** One line of the files listing: content hash, "(deleted)" or "(renamed → dest)". */
export function fileLine(p: string, hash: string | null, renamed: Record<string, string>): string {
  if (hash !== null) return `${p}  ${hash.slice(0, 12)}`;
  const dest = renamed[p];
  return dest !== undefined ? `${p}  (renamed → ${dest})` : `${p}  (deleted)`;
}

function indent(text: string, n = 2): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
