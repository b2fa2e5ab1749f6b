/**
 * `agenttrace branch create|list|edit|delete|run`: branches of a trace at any step, edits of its recorded inputs
 * after the fork, and running branches (several at once through a pool). One command with actions, because the
 * argument parser is per command: the options of all actions are declared here and each action checks that it
 * got only its own.
 */
import { allBranchTrees, branchTree, createBranch, deleteBranch, editBranch, getBranch } from '../../engine/branches/branches.js';
import { runBranches, type BranchRunResult } from '../../engine/branches/runBranches.js';
import { BadArgsError, NotFoundError, toAtrError } from '../../engine/errors.js';
import { branchOverrides, removeOverride } from '../../engine/store/branchStore.js';
import { verdictLines } from '../../engine/replay/verdictText.js';
import type { EventOverride } from '../../shared/trace/overrides.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext, Command } from '../context.js';
import { openCliStore } from '../context.js';
import { formatDuration, truncate } from '../format.js';
import { branchTreeJson, branchTreeText } from './branchList.js';
import { exitCode as replayExitCode } from './replay.js';

type Action = 'create' | 'list' | 'edit' | 'delete' | 'run';

/** The options each action accepts (everything else is a usage error naming the action). */
const ACTION_OPTIONS: Record<Action, string[]> = {
  create: ['step', 'name', 'json'],
  list: ['json'],
  edit: ['event', 'payload', 'remove', 'json'],
  delete: ['recursive', 'json'],
  run: ['parallel', 'offline', 'pace', 'node', 'verbose', 'json'],
};

const USAGE: Record<Action, string> = {
  create: 'branch create <id> --step N [--name NAME]',
  list: 'branch list [<id>] [--json]',
  edit: "branch edit <branchId> --event N --payload JSON | --remove",
  delete: 'branch delete <branchId> [--recursive]',
  run: 'branch run <branchId>… [--parallel N] [--offline] [--verbose] [--json]',
};

export const branchCommand: Command = {
  spec: {
    name: 'branch',
    summary: 'Branch a run at any step, edit what it received (LLM replies, HTTP results, values), run branches.',
    usage: 'branch create|list|edit|delete|run …',
    positionals: [
      { name: 'action', required: true, description: 'create, list, edit, delete or run' },
      { name: 'id', required: false, description: 'the run to branch from (create), the tree to show (list), the branch (edit, delete, run)' },
    ],
    rest: { name: 'more ids', description: 'branch run: further branches to run at the same time' },
    options: [
      { name: 'step', type: 'int', min: 0, valueName: 'N', description: 'create: the first step of the branch (events before it are the parent\'s)' },
      { name: 'name', type: 'string', valueName: 'NAME', description: 'create: branch name (letters, digits, - _ .); the id is <id>__NAME (default step-N)' },
      { name: 'event', type: 'int', min: 0, valueName: 'N', description: 'edit: the event (step) whose recorded input is replaced' },
      { name: 'payload', type: 'string', valueName: 'JSON', description: 'edit: the replacement (see below)' },
      { name: 'remove', type: 'boolean', description: 'edit: remove the edit of --event N' },
      { name: 'recursive', type: 'boolean', description: 'delete: also delete the branches of the branch' },
      { name: 'parallel', type: 'int', min: 1, valueName: 'N', description: 'run: branches running at once (default: the number of cores)' },
      { name: 'offline', type: 'boolean', description: 'run: stop a branch at the first request the recording cannot answer (no live calls)' },
      { name: 'pace', type: 'string', choices: ['instant', 'recorded'], valueName: 'instant|recorded', description: 'run: stream recorded chunks instantly (default) or with their timing' },
      { name: 'node', type: 'string', valueName: 'PATH', description: 'run: node binary that runs the agents' },
      { name: 'verbose', type: 'boolean', description: "run: print each agent's output under its status line" },
      { name: 'json', type: 'boolean', description: 'print the result as JSON' },
    ],
    examples: [
      'agenttrace branch create 3f2a --step 4 --name shorter',
      'agenttrace branch edit 3f2a__shorter --event 4 --payload \'{"content": "Answer in one line."}\'',
      'agenttrace replay 3f2a --branch shorter',
      'agenttrace branch run 3f2a__shorter 3f2a__other --parallel 2',
      'agenttrace branch list 3f2a',
    ],
    notes: [
      'Edit payloads, by the kind of the event (see `agenttrace show <id>`):',
      '  llm     {"content": "text"} (+ "toolCalls": [{"name","arguments"}], "finishReason", "usage": {"promptTokens",',
      '          "completionTokens"}), {"reply": {...}}, a chat completion {"choices": [...]}, a Responses API body',
      '          {"output": [...]} or Anthropic message {"content": [...]}; a streamed call is re-chunked.',
      '          {"status": 500, "body": {...}} serves a raw response instead (e.g. an error).',
      '  http    {"status": 200, "body": <JSON or text>, "headers": {...}}',
      '  random, crypto, time   {"value": v} (same type as recorded: 0 <= Math.random < 1, a UUID string, hex bytes...)',
      'step/tool events are annotations, not inputs: edit the LLM reply or HTTP call inside them instead.',
      'A branch replays its parent up to the fork, then its edits; requests that still match the recording are served',
      'from it, the rest go live (--offline: the first such request stops it with a divergence report, exit 3).',
    ],
  },
  async run(args, ctx) {
    const action = args.positionals[0] as Action;
    if (!(action in ACTION_OPTIONS)) throw new BadArgsError(`unknown branch action "${args.positionals[0]}"`, 'actions: create, list, edit, delete, run (see agenttrace branch --help)');
    for (const [k, v] of Object.entries(args.options)) {
      if (v !== undefined && k !== 'help' && !ACTION_OPTIONS[action].includes(k)) throw new BadArgsError(`--${k} does not apply to branch ${action}`, `usage: agenttrace ${USAGE[action]}`);
    }
    if (action !== 'run' && args.rest.length > 0) throw new BadArgsError(`unexpected argument "${args.rest[0]}" for branch ${action}`, `usage: agenttrace ${USAGE[action]}`);
    const id = args.positionals[1];
    if (id === undefined && action !== 'list') throw new BadArgsError(`branch ${action} needs an id`, `usage: agenttrace ${USAGE[action]}`);
    switch (action) {
      case 'create':
        return create(id as string, args, ctx);
      case 'list':
        return list(id, args, ctx);
      case 'edit':
        return edit(id as string, args, ctx);
      case 'delete':
        return remove(id as string, args, ctx);
      case 'run':
        return run([id as string, ...args.rest], args, ctx);
    }
  },
};

async function create(from: string, args: ParsedArgs, ctx: CliContext): Promise<number> {
  const step = args.options.step as number | undefined;
  if (step === undefined) throw new BadArgsError('branch create needs --step N', `usage: agenttrace ${USAGE.create}`);
  const store = openCliStore(ctx);
  try {
    const b = createBranch(store, { from, step, name: args.options.name as string | undefined });
    if (args.options.json) {
      ctx.printer.json({ id: b.id, name: b.name, parentId: b.parentId, forkSeq: b.forkSeq, status: b.status });
      return 0;
    }
    const root = store.lineage(b).root.id;
    ctx.printer.out(`Branch created: ${b.id}\n`);
    ctx.printer.out(`  steps 0..${step - 1} are ${b.parentId as string}'s; from step ${step} on the branch replays with its edits\n`);
    ctx.printer.out(`  edit:  agenttrace branch edit ${b.id} --event ${step} --payload '{"content": "..."}'\n`);
    ctx.printer.out(`  run:   agenttrace replay ${root} --branch ${b.id}\n`);
    return 0;
  } finally {
    store.close();
  }
}

async function list(id: string | undefined, args: ParsedArgs, ctx: CliContext): Promise<number> {
  const store = openCliStore(ctx);
  try {
    const trees = id === undefined ? allBranchTrees(store) : [branchTree(store, store.lineage(store.resolveRunId(id)).root.id)];
    if (args.options.json) {
      ctx.printer.json(trees.map(branchTreeJson));
      return 0;
    }
    if (trees.length === 0) {
      ctx.printer.out('No branches yet. Create one with: agenttrace branch create <id> --step N\n');
      return 0;
    }
    ctx.printer.out(trees.map(branchTreeText).join('\n'));
    return 0;
  } finally {
    store.close();
  }
}

async function edit(ref: string, args: ParsedArgs, ctx: CliContext): Promise<number> {
  const o = args.options;
  const seq = o.event as number | undefined;
  if (seq === undefined) throw new BadArgsError('branch edit needs --event N', `usage: agenttrace ${USAGE.edit}`);
  if (o.remove && o.payload !== undefined) throw new BadArgsError('--remove and --payload do not go together', `usage: agenttrace ${USAGE.edit}`);
  if (!o.remove && o.payload === undefined) throw new BadArgsError('branch edit needs --payload JSON (or --remove)', `usage: agenttrace ${USAGE.edit}`);
  const store = openCliStore(ctx);
  try {
    if (o.remove) {
      const b = getBranch(store, ref);
      if (!removeOverride(store, b.id, seq)) throw new NotFoundError(`branch ${b.id} has no edit of event ${seq}`, `its edits: ${[...branchOverrides(b).keys()].join(', ') || 'none'}`);
      if (o.json) ctx.printer.json({ branch: b.id, event: seq, removed: true });
      else ctx.printer.out(`Removed the edit of event ${seq} from ${b.id}\n`);
      return 0;
    }
    const r = editBranch(store, { branch: ref, seq, payload: o.payload as string });
    if (o.json) {
      ctx.printer.json({ branch: r.branch.id, event: r.seq, kind: r.event.kind, override: r.override, replaced: r.replaced, edits: Object.keys(r.branch.overrides ?? {}).length });
      return 0;
    }
    const edits = Object.keys(r.branch.overrides ?? {}).length;
    ctx.printer.out(`${r.replaced ? 'Replaced the edit of' : 'Edited'} event ${r.seq} (${r.event.kind}) of ${r.branch.id}: ${describeOverride(r.override)}\n`);
    ctx.printer.out(`  ${edits} edit${edits === 1 ? '' : 's'}; run it: agenttrace replay ${store.lineage(r.branch).root.id} --branch ${r.branch.id}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function describeOverride(o: EventOverride): string {
  switch (o.type) {
    case 'reply': {
      const tools = (o.reply.toolCalls ?? []).map((t) => `${t.name}(${t.arguments})`).join(', ');
      const usage = o.usage ? `, usage ${o.usage.promptTokens} in / ${o.usage.completionTokens} out tokens` : '';
      return truncate(`reply ${JSON.stringify(o.reply.content)}${tools ? ` + ${tools}` : ''}`, 120) + usage;
    }
    case 'response':
      return truncate(`HTTP ${o.status} ${JSON.stringify(o.body)}`, 120);
    case 'value':
      return `value ${JSON.stringify(o.value)}`;
  }
}

async function remove(ref: string, args: ParsedArgs, ctx: CliContext): Promise<number> {
  const store = openCliStore(ctx);
  try {
    const ids = deleteBranch(store, ref, Boolean(args.options.recursive));
    if (args.options.json) ctx.printer.json({ deleted: ids });
    else {
      const main = ids[ids.length - 1];
      ctx.printer.out(`Deleted branch ${main}${ids.length > 1 ? ` and its ${ids.length - 1} branch${ids.length === 2 ? '' : 'es'}: ${ids.slice(0, -1).join(', ')}` : ''}\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}

async function run(refs: string[], args: ParsedArgs, ctx: CliContext): Promise<number> {
  const o = args.options;
  const json = Boolean(o.json);
  const store = openCliStore(ctx);
  const abort = new AbortController();
  const onSignal = (): void => abort.abort(new Error('interrupted'));
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    const results = await runBranches(store, {
      branches: refs,
      parallel: o.parallel as number | undefined,
      offline: Boolean(o.offline),
      pace: o.pace as 'instant' | 'recorded' | undefined,
      node: o.node as string | undefined,
      env: ctx.env,
      cwd: ctx.cwd,
      signal: abort.signal,
      onDone: (r) => {
        if (json) return;
        ctx.printer.out(statusLine(r) + '\n');
        if (o.verbose) printCaptured(r, ctx);
      },
    });
    if (json) ctx.printer.json(results.map(resultJson));
    const failed = results.filter((r) => !r.ok);
    if (!json && results.length > 1) ctx.printer.out(`${results.length - failed.length} of ${results.length} branches succeeded\n`);
    if (failed.length === 0) return 0;
    const first = failed[0];
    return first.result ? replayExitCode(first.result) || 1 : 1;
  } finally {
    for (const s of signals) process.off(s, onSignal);
    store.close();
  }
}

/** One line per finished branch: its id, how it ended, where it went live or stopped, how long it took. */
function statusLine(r: BranchRunResult): string {
  const took = formatDuration(r.ms);
  if (!r.result) return `FAILED   ${r.branchId}: ${toAtrError(r.error).toLine()} (${took})`;
  const res = r.result;
  const b = res.branch;
  const exit = b ? (b.signal ? `signal ${b.signal}` : `exit ${String(b.exitCode)}`) : `exit ${String(res.exit.code)}`;
  const steps = b ? `, ${b.steps} steps` : '';
  const d = res.verdict.divergence;
  let where = '';
  if (res.outcome.kind === 'diverged' && d) where = `, stopped at step ${d.seq}: ${truncate(d.message, 100)}`;
  else if (res.outcome.kind === 'failed') where = `: ${res.outcome.why}`;
  else if (d) where = `, live from step ${d.seq}`;
  const label = r.ok ? 'ok' : res.outcome.kind === 'diverged' ? 'DIVERGED' : 'FAILED';
  return `${label.padEnd(8)} ${r.branchId}: ${b?.status ?? res.outcome.kind} (${exit})${steps}${where} (${took})`;
}

function printCaptured(r: BranchRunResult, ctx: CliContext): void {
  const lines = [...r.notices.map((n) => `agenttrace: ${n}`), ...r.stdout.split('\n'), ...r.stderr.split('\n')].filter((l) => l !== '');
  for (const l of lines) ctx.printer.out(`  | ${l}\n`);
  if (r.result && !r.ok) for (const l of verdictLines(r.result)) ctx.printer.out(`  | ${l}\n`);
}

function resultJson(r: BranchRunResult): Record<string, unknown> {
  if (!r.result) return { branch: r.branchId, ok: false, error: toAtrError(r.error).toErrorJson(), ms: r.ms };
  const res = r.result;
  return {
    branch: r.branchId,
    ok: r.ok,
    outcome: res.outcome,
    run: res.branch,
    exitCode: res.exit.code,
    signal: res.exit.signal,
    divergence: res.verdict.divergence,
    notices: r.notices,
    stdout: r.stdout,
    stderr: r.stderr,
    ms: r.ms,
  };
}
