/**
 * `agenttrace diff <runA> <runB>`: how two runs differ — typically a trace and its edited branch, or two recordings
 * of one script. Steps are aligned, then the first divergence, the changed LLM replies and tool/HTTP results, the
 * steps only one run has, and token, cost, duration and exit differences are printed (or one JSON document).
 */
import { diffStoredRuns, type DiffChange, type DiffReport, type DiffRunInfo } from '../../engine/runs/diffStoredRuns.js';
import { loadPrices } from '../../engine/settings/prices.js';
import { formatCost, formatUsdDelta } from '../../shared/model/pricing.js';
import { forkText } from '../../shared/model/runLineage.js';
import type { Json, LlmReply } from '../../shared/trace/types.js';
import type { Command } from '../context.js';
import { openCliStore } from '../context.js';
import { formatDuration, runLabel, table, truncate } from '../format.js';

/** Changed replies/results and one-sided steps listed by the human view; --json has them all. */
const LIST_MAX = 20;
const TEXT_MAX = 60;

export const diffCommand: Command = {
  spec: {
    name: 'diff',
    summary: 'Compare two runs: first divergence, changed LLM replies and results, token/cost/duration deltas.',
    usage: 'diff <runA> <runB> [--values auto|compare|ignore] [--json]',
    positionals: [
      { name: 'runA', required: true, description: 'run or branch id (or a unique prefix)' },
      { name: 'runB', required: true, description: 'the run or branch to compare it with' },
    ],
    options: [
      {
        name: 'values',
        type: 'string',
        choices: ['auto', 'compare', 'ignore'],
        valueName: 'auto|compare|ignore',
        description: 'compare random/time/crypto values (auto: only for runs of one branch tree)',
      },
      { name: 'json', type: 'boolean', description: 'print the diff as one JSON document' },
    ],
    examples: ['agenttrace diff 3f2a 3f2a__fix', 'agenttrace diff 3f2a 9c1d --json'],
    notes: [
      'A branch is compared with its inherited steps (its parent up to the fork) plus its own; tokens and cost are',
      'those of the whole lineage. Costs use the built-in prices plus $AGENTTRACE_HOME/prices.json',
      '({"model": {"input": USD per 1M tokens, "output": USD per 1M tokens}}). Exit code 0 whether or not the runs differ.',
    ],
  },
  async run(args, ctx) {
    const store = openCliStore(ctx);
    try {
      const prices = loadPrices(store.home);
      if (prices.warning) ctx.printer.err(`agenttrace: warning: ${prices.warning}\n`);
      const report = diffStoredRuns(store, args.positionals[0], args.positionals[1], {
        prices: prices.table,
        values: args.options.values as 'auto' | 'compare' | 'ignore' | undefined,
      });
      if (args.options.json) ctx.printer.json(report);
      else ctx.printer.out(diffText(report, paint(useColor(ctx.printer.isTty, ctx.env))));
      return 0;
    } finally {
      store.close();
    }
  },
};

/** The human view of a diff (pure; colors only through `p`). */
export function diffText(r: DiffReport, p: Paint): string {
  const out: string[] = [];
  out.push(`${p.bold('A')}  ${runLine(r.a)}`, `${p.bold('B')}  ${runLine(r.b)}`);
  if (r.ignoredKinds.length > 0) {
    out.push(p.dim(`   ${r.ignoredKinds.join('/')} values not compared: the runs were recorded separately (--values compare includes them)`));
  }
  out.push('');
  if (r.identical) out.push(p.green(`No divergence: all ${r.counts.aligned} compared steps are the same.`));
  else if (r.firstDivergence) {
    const f = r.firstDivergence;
    const at = f.seqA === f.seqB ? `step ${f.seqA}` : `step ${f.seqA ?? '-'} in A / step ${f.seqB ?? '-'} in B`;
    const what = f.reason.startsWith(f.kind) ? f.reason : `${f.reason} (${f.kind})`;
    out.push(`${p.bold('First divergence:')} ${p.yellow(at)}  ${what}${f.fields?.length ? p.dim(`: ${f.fields.join(', ')} ${f.fields.length === 1 ? 'differs' : 'differ'}`) : ''}`);
    out.push(`Compared ${r.counts.aligned} aligned steps: ${r.counts.same} same, ${r.counts.changed} changed; ${r.counts.onlyInA} only in A, ${r.counts.onlyInB} only in B`);
  }

  out.push('', p.bold(`Changed LLM replies (${r.changedReplies.length})`));
  for (const c of r.changedReplies.slice(0, LIST_MAX)) out.push(changeLine(c, c.model ?? c.label.replace(/^llm:/, ''), replyText, p));
  more(out, r.changedReplies.length);
  out.push('', p.bold(`Changed tool/HTTP results (${r.changedResults.length})`));
  for (const c of r.changedResults.slice(0, LIST_MAX)) out.push(changeLine(c, c.label, resultText, p));
  more(out, r.changedResults.length);

  for (const [name, steps] of [['A', r.onlyInA], ['B', r.onlyInB]] as const) {
    if (steps.length === 0) continue;
    const shown = steps.slice(0, LIST_MAX).map((s) => `${s.seq} ${s.kind}`).join(', ');
    out.push('', `${p.bold(`Only in ${name} (${steps.length})`)}: ${shown}${steps.length > LIST_MAX ? ', …' : ''}`);
  }

  const cost = (i: DiffRunInfo): string => formatCost({ usd: i.costUsd ?? 0, unpricedCalls: i.unpricedCalls }, i.llmCalls);
  const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
  const rows = [
    ['Tokens', String(r.a.totalTokens), String(r.b.totalTokens), signed(r.delta.tokens)],
    ['Cost', cost(r.a), cost(r.b), r.delta.costUsd === null ? 'unknown' : formatUsdDelta(r.delta.costUsd)],
    ['Duration', formatDuration(r.a.durationMs), formatDuration(r.b.durationMs), r.delta.durationMs === null ? '-' : signedDuration(r.delta.durationMs)],
    ['Steps', String(r.a.steps), String(r.b.steps), signed(r.delta.steps)],
    ['LLM calls', String(r.a.llmCalls), String(r.b.llmCalls), signed(r.b.llmCalls - r.a.llmCalls)],
    ['Exit', statusText(r.a), statusText(r.b), statusText(r.a) === statusText(r.b) ? 'same' : 'differs'],
  ];
  out.push('', table(['', 'A', 'B', 'B - A'], rows).trimEnd());
  return out.join('\n') + '\n';
}

function runLine(i: DiffRunInfo): string {
  const fork = i.parentId !== undefined ? `, branch of ${i.parentId} ${forkText(i.forkSeq)}` : '';
  return `${i.id}  ${runLabel(i)}  ${statusText(i)}${fork}`;
}

function changeLine(c: DiffChange, label: string, text: (v: Json) => string, p: Paint): string {
  const at = c.seqA === c.seqB ? `step ${c.seqA}` : `step ${c.seqA} → ${c.seqB}`;
  return `  ${at}  ${label}  ${p.red(text(c.before))} → ${p.green(text(c.after))}`;
}

function more(out: string[], n: number): void {
  if (n > LIST_MAX) out.push(`  … ${n - LIST_MAX} more (use --json)`);
}

/** First words of an LLM reply: its text, else its tool calls. */
function replyText(v: Json): string {
  const r = v as unknown as LlmReply | null;
  if (!r) return '(no reply)';
  const text = r.content || (r.toolCalls ?? []).map((t) => `${t.name}(${t.arguments})`).join(', ');
  return JSON.stringify(truncate(text, TEXT_MAX));
}

function resultText(v: Json): string {
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.status === 'number') {
    return `${v.status} ${JSON.stringify(truncate(String(v.body ?? ''), TEXT_MAX))}`;
  }
  return v === null ? '(none)' : truncate(JSON.stringify(v), TEXT_MAX);
}

function signedDuration(ms: number): string {
  if (Math.round(ms) === 0) return '0ms';
  return (ms > 0 ? '+' : '-') + formatDuration(Math.abs(ms));
}

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string): string => s;

/** ANSI styles when enabled, identity functions otherwise. */
export function paint(enabled: boolean): Paint {
  if (!enabled) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain };
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39) };
}

/** Colors only on a terminal, and never when the user opted out (no-color.org) or the terminal is dumb. */
export function useColor(isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  return isTty && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** The status of a run with how it ended: "ok (exit 0)", "crashed (signal SIGKILL)". */
function statusText(r: { status: string; exitCode: number | null; exitSignal: string | null }): string {
  if (r.exitSignal) return `${r.status} (signal ${r.exitSignal})`;
  return r.exitCode !== null ? `${r.status} (exit ${r.exitCode})` : r.status;
}
