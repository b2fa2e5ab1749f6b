/**
 * `agenttrace fix`: the AutoFix Engine from the command line. `fix <run>` finds why a run failed, proves the decisive
 * step by replay, and proposes fixes validated in the sandbox (stages on stderr, the report on stdout); `fix list`,
 * `fix show`, `fix apply` (the only action that writes the user's files, after a confirmation) and `fix undo`.
 */
import readline from 'node:readline/promises';
import { VERDICT_LABEL, type FixReport } from '../../shared/afe/types.js';
import { reportText } from '../../shared/afe/reportText.js';
import { applyFix, pickCandidate, undoFix } from '../../engine/afe/apply.js';
import { aiOptionsFrom } from '../../engine/afe/aiSettings.js';
import { autoApplyAllowed } from '../../engine/afe/policy.js';
import { BadArgsError } from '../../engine/errors.js';
import { getFix, listFixes } from '../../engine/store/fixStore.js';
import type { TraceStore } from '../../engine/store/store.js';
import { summarizeEvent } from '../../shared/model/eventSummary.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext, Command } from '../context.js';
import { openCliStore } from '../context.js';
import { formatTime, table } from '../format.js';

const SUBCOMMANDS = ['list', 'show', 'apply', 'undo'] as const;
type Sub = (typeof SUBCOMMANDS)[number] | 'run';

const OPTIONS: Record<Sub, string[]> = {
  run: ['step', 'no-ai', 'api-key', 'model', 'live', 'max-replays', 'json', 'node'],
  list: ['json', 'run'],
  show: ['json'],
  apply: ['yes', 'json'],
  undo: ['json'],
};

export const fixCommand: Command = {
  spec: {
    name: 'fix',
    summary: 'Find why a run failed, prove the decisive step by replay, propose fixes validated in the sandbox.',
    usage: 'fix <run>[@branch] [--step N] [--no-ai] | fix list | fix show <fix-id> | fix apply <fix-id>[/N] [--yes] | fix undo <fix-id>',
    positionals: [
      { name: 'run|action', required: true, description: 'the failed run (id or prefix; <run>@<branch> for a branch), or list, show, apply, undo' },
      { name: 'fix-id', required: false, description: 'show, apply, undo: the fix (id or prefix; apply: <fix-id>/N picks candidate N)' },
    ],
    options: [
      { name: 'step', type: 'int', min: 0, valueName: 'N', description: 'the step you believe is decisive (tried first)' },
      { name: 'no-ai', type: 'boolean', description: 'heuristics only, no Groq call' },
      { name: 'api-key', type: 'string', valueName: 'KEY', description: 'your Groq key (default: GROQ_API_KEY); never stored' },
      { name: 'model', type: 'string', valueName: 'MODEL', description: 'Groq model (default: GROQ_MODEL or llama-3.3-70b-versatile)' },
      { name: 'live', type: 'boolean', description: 'let requests no recording can answer reach the network during validation' },
      { name: 'max-replays', type: 'int', min: 0, valueName: 'N', description: 'counterfactual replays for the root cause at most (default 8)' },
      { name: 'node', type: 'string', valueName: 'PATH', description: 'node binary that runs the agent' },
      { name: 'run', type: 'string', valueName: 'ID', description: 'list: only the fixes of this run' },
      { name: 'yes', type: 'boolean', description: 'apply: do not ask for confirmation' },
      { name: 'json', type: 'boolean', description: 'print the result as one JSON document' },
    ],
    examples: ['agenttrace fix 3f2a --no-ai', 'agenttrace fix show fix-91c0', 'agenttrace fix apply fix-91c0/2 --yes', 'agenttrace fix undo fix-91c0'],
    notes: [
      'Verdicts: fixed (the patched agent ran clean in the sandbox on recorded answers), fixed (simulated) (some replies',
      'had to be synthesized), not fixed, regressed (an earlier successful run of the script now fails), needs you, error.',
      'Your files are only written by `fix apply`; `fix undo` restores them byte-identical.',
      'Exit codes of `fix <run>`: 0 when the run did not fail or a candidate fixed it, 1 otherwise.',
    ],
  },
  async run(args, ctx) {
    const first = args.positionals[0];
    const sub: Sub = (SUBCOMMANDS as readonly string[]).includes(first) ? (first as Sub) : 'run';
    for (const [k, v] of Object.entries(args.options)) {
      if (v !== undefined && k !== 'help' && !OPTIONS[sub].includes(k)) throw new BadArgsError(`--${k} does not apply to fix ${sub === 'run' ? '<run>' : sub}`, 'see agenttrace fix --help');
    }
    const id = sub === 'run' ? first : args.positionals[1];
    if (id === undefined && sub !== 'list') throw new BadArgsError(`fix ${sub} needs a fix id`, 'list them with: agenttrace fix list');
    const store = openCliStore(ctx);
    try {
      switch (sub) {
        case 'run':
          return await fixRun(store, id as string, args, ctx);
        case 'list':
          return list(store, args, ctx);
        case 'show':
          return show(store, id as string, args, ctx);
        case 'apply':
          return await apply(store, id as string, args, ctx);
        case 'undo':
          return undo(store, id as string, args, ctx);
      }
    } finally {
      store.close();
    }
  },
};

/** `<run>@<branch>` names a branch of a run by its name. */
function runRef(ref: string): string {
  const at = ref.indexOf('@');
  return at > 0 ? `${ref.slice(0, at)}__${ref.slice(at + 1)}` : ref;
}

async function fixRun(store: TraceStore, ref: string, args: ParsedArgs, ctx: CliContext): Promise<number> {
  const o = args.options;
  const ac = new AbortController();
  const onSig = (): void => ac.abort(new Error('cancelled'));
  process.once('SIGINT', onSig);
  try {
    // Loaded on use: the pipeline brings groq-sdk, which the other commands need not import.
    const { runFix } = await import('../../engine/afe/autofix.js');
    const report = await runFix({
      store,
      runId: runRef(ref),
      step: o.step as number | undefined,
      ai: aiOptionsFrom({ noAi: Boolean(o['no-ai']), apiKey: o['api-key'] as string | undefined, model: o.model as string | undefined, env: ctx.env }),
      live: Boolean(o.live),
      maxReplays: o['max-replays'] as number | undefined,
      env: ctx.env,
      cwd: ctx.cwd,
      node: o.node as string | undefined,
      signal: ac.signal,
      onProgress: (p) => ctx.printer.err(`agenttrace fix: ${p.message}\n`),
    });
    let final = report;
    const best = report.candidates[0];
    if (report.status === 'done' && best && autoApplyAllowed(store.getRun(report.runId).cwd, best)) {
      final = applyFix(store, `${report.id}/${best.n}`).fix;
      ctx.printer.err(`agenttrace fix: auto-applied candidate ${best.n} (policy allows it: verdict fixed, score ${best.score.total.toFixed(2)})\n`);
    }
    if (o.json) ctx.printer.json(final);
    else ctx.printer.out(reportText(final, { decisiveEvent: decisiveText(store, final) }));
    if (final.status === 'no_failure') return 0;
    return final.candidates.some((c) => c.verdict === 'fixed' || c.verdict === 'fixed_simulated') ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSig);
  }
}

function decisiveText(store: TraceStore, r: FixReport): string | undefined {
  const seq = r.rootCause?.seq;
  if (seq === undefined) return undefined;
  const run = store.findRun(r.runId);
  const ev = run ? store.lineage(run).eventAt(seq) : undefined;
  return ev ? `${ev.kind}  ${summarizeEvent(ev)}` : undefined;
}

function list(store: TraceStore, args: ParsedArgs, ctx: CliContext): number {
  const runId = args.options.run === undefined ? undefined : store.resolveRunId(args.options.run as string);
  const items = listFixes(store, { runId });
  if (args.options.json) {
    ctx.printer.json(items);
    return 0;
  }
  if (items.length === 0) {
    ctx.printer.out('No fix attempts yet. Try one with: agenttrace fix <run>\n');
    return 0;
  }
  const rows = items.map((f) => [f.id, f.runId, f.failureClass ?? '-', f.status === 'done' ? (f.bestVerdict ? VERDICT_LABEL[f.bestVerdict] : '-') : f.status, f.applied !== undefined ? `yes (${f.applied})` : 'no', formatTime(f.createdAt)]);
  ctx.printer.out(table(['FIX', 'RUN', 'CLASS', 'BEST VERDICT', 'APPLIED', 'CREATED'], rows));
  return 0;
}

function show(store: TraceStore, ref: string, args: ParsedArgs, ctx: CliContext): number {
  const fix = getFix(store, ref);
  if (args.options.json) ctx.printer.json(fix);
  else ctx.printer.out(reportText(fix, { full: true, decisiveEvent: decisiveText(store, fix) }));
  return 0;
}

async function apply(store: TraceStore, ref: string, args: ParsedArgs, ctx: CliContext): Promise<number> {
  const fix = getFix(store, ref);
  const c = pickCandidate(fix, ref.includes('/') ? ref : fix.id);
  if (!args.options.yes) {
    ctx.printer.out(`Candidate ${c.n} of ${fix.id}: ${c.title} (${VERDICT_LABEL[c.verdict]})\n`);
    for (const f of c.files) ctx.printer.out(f.diff.endsWith('\n') ? f.diff : f.diff + '\n');
    if (!process.stdin.isTTY) throw new BadArgsError('fix apply needs a confirmation', `pass --yes to write ${c.files.map((f) => f.path).join(', ')}`);
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Write ${c.files.length} file${c.files.length === 1 ? '' : 's'}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      ctx.printer.err('agenttrace fix: nothing written\n');
      return 1;
    }
  }
  const r = applyFix(store, `${fix.id}/${c.n}`);
  if (args.options.json) ctx.printer.json({ fixId: r.fix.id, candidate: r.candidate.n, files: r.files });
  else ctx.printer.out(`Applied ${r.fix.id}/${r.candidate.n}: wrote ${r.files.join(', ')}\nUndo with: agenttrace fix undo ${r.fix.id}\n`);
  return 0;
}

function undo(store: TraceStore, ref: string, args: ParsedArgs, ctx: CliContext): number {
  const r = undoFix(store, ref);
  if (args.options.json) ctx.printer.json({ fixId: r.fix.id, candidate: r.candidate, files: r.files, restored: true });
  else ctx.printer.out(`Undid ${r.fix.id}/${r.candidate}: restored ${r.files.join(', ')} byte-identical\n`);
  return 0;
}
