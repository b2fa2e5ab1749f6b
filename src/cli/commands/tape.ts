/**
 * `agenttrace tape <id> --out FILE`: writes the replay tape of a run. The SDK uses it in environment-variable mode
 * (`AGENTTRACE_MODE=REPLAY AGENTTRACE_ID=<id> node --import agenttrace/register agent.js`), where no host prepares
 * the tape; it is also handy to inspect what a replay will serve.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BadArgsError } from '../../engine/errors.js';
import { getBranch } from '../../engine/branches/branches.js';
import { branchTape } from '../../engine/branches/branchTape.js';
import { replaceResumeBranch, resumeBranchId, tapeFromStore } from '../../engine/replay/tapeFromStore.js';
import { resetBranchRun } from '../../engine/store/branchStore.js';
import type { TraceStore } from '../../engine/store/store.js';
import type { DivergencePolicy, Tape } from '../../shared/trace/tape.js';
import type { CliContext, Command } from '../context.js';
import { openCliStore } from '../context.js';

export const tapeCommand: Command = {
  spec: {
    name: 'tape',
    summary: 'Write the replay tape of a run to a file (used by the SDK in environment-variable mode).',
    usage: 'tape <id> --out FILE [--step N] [--offline] [--on-divergence stop|live] [--pace instant|recorded]',
    positionals: [{ name: 'id', required: true, description: 'run id or a unique prefix of it' }],
    options: [
      { name: 'out', type: 'string', valueName: 'FILE', description: 'where to write the tape (JSON); - for stdout' },
      { name: 'step', type: 'int', min: 0, valueName: 'N', description: 'replay through step N, then resume live as branch <id>__resume-N' },
      { name: 'offline', type: 'boolean', description: 'with --step: stop at step N instead of resuming' },
      { name: 'branch', type: 'string', valueName: 'B', description: 'the tape of branch B with its edits (replaces its earlier run, like `replay <id> --branch B`)' },
      { name: 'on-divergence', type: 'string', choices: ['stop', 'live'], valueName: 'stop|live', description: 'at the first divergence: stop there (default) or continue live' },
      { name: 'pace', type: 'string', choices: ['instant', 'recorded'], valueName: 'instant|recorded', description: 'stream chunks instantly (default) or with their recorded timing' },
    ],
    examples: ['agenttrace tape 3f2a --out /tmp/3f2a.tape.json', 'agenttrace tape 3f2a --step 12 --offline --out -'],
    notes: ['A resume tape (--step without --offline) replaces an earlier branch run <id>__resume-N, as `replay --step N` does.'],
  },
  async run(args, ctx) {
    const o = args.options;
    const out = o.out as string | undefined;
    if (out === undefined) throw new BadArgsError('tape needs --out FILE', 'e.g. agenttrace tape <id> --out tape.json (or --out - for stdout)');
    if (o.offline && o.step === undefined && o.branch === undefined) throw new BadArgsError('--offline needs --step N (or --branch B)', 'e.g. agenttrace tape <id> --step 12 --offline --out tape.json');
    const onDivergence = o['on-divergence'] as DivergencePolicy | undefined;
    const pace = o.pace as 'instant' | 'recorded' | undefined;
    const store = openCliStore(ctx);
    try {
      if (o.branch !== undefined) {
        if (o.step !== undefined) throw new BadArgsError('--branch and --step do not go together', 'a branch starts at its own fork step');
        return writeBranchTape(store, args.positionals[0], String(o.branch), { offline: Boolean(o.offline), pace }, out, ctx);
      }
      const runId = store.resolveRunId(args.positionals[0]);
      const step = o.step as number | undefined;
      const resume = step !== undefined && !o.offline;
      let branch: Tape['branch'];
      if (resume) {
        branch = { id: resumeBranchId(runId, step), parentId: runId, forkSeq: step, name: `resume-${step}` };
      }
      const tape = tapeFromStore(store, runId, { step, after: resume ? 'live' : 'stop', onDivergence, pace, branch });
      if (branch && replaceResumeBranch(store, branch.id)) ctx.printer.err(`agenttrace: replaced the earlier resume ${branch.id}\n`);
      writeTape(tape, out, ctx, `${tape.steps} steps, ${tape.calls.length} network calls${step !== undefined ? `, ${resume ? 'resume' : 'stop'} at step ${step}` : ''}`);
      return 0;
    } finally {
      store.close();
    }
  },
};

/** `tape <id> --branch B`: the branch's tape; like the resume tape above, it is for a run about to start. */
function writeBranchTape(store: TraceStore, id: string, ref: string, o: { offline: boolean; pace?: 'instant' | 'recorded' }, out: string, ctx: CliContext): number {
  const run = store.getRun(store.resolveRunId(id));
  const named = `${run.id}__${ref}`;
  const branch = getBranch(store, store.findRun(named) ? named : ref);
  const root = store.lineage(branch).root.id;
  if (root !== store.lineage(run).root.id) throw new BadArgsError(`branch ${branch.id} is not a branch of ${run.id}`, `use: agenttrace tape ${root} --branch ${branch.id}`);
  const tape = branchTape(store, branch, o);
  if (branch.status !== 'pending') {
    resetBranchRun(store, branch.id, 'pending');
    ctx.printer.err(`agenttrace: replaced the earlier run of ${branch.id}\n`);
  }
  writeTape(tape, out, ctx, `branch ${branch.id}: ${tape.steps} steps, ${tape.calls.length} network calls, ${tape.calls.filter((c) => c.edited).length} edited`);
  return 0;
}

/** The tape as JSON on stdout (`-o -`) or in a file, with a one-line summary of what was written on stderr. */
function writeTape(tape: Tape, out: string, ctx: CliContext, summary: string): void {
  const text = JSON.stringify(tape);
  if (out === '-') {
    ctx.printer.out(text + '\n');
    return;
  }
  const file = path.resolve(ctx.cwd, out);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  ctx.printer.err(`Tape written: ${file} (${summary})\n`);
}
