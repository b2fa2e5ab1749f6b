/**
 * `agenttrace replay <id>`: re-lives a recorded run offline and checks it. The agent's stdout/stderr pass through;
 * the verdict (or the divergence report) follows on stderr, so the replay's stdout can be compared byte for byte.
 */
import { shellExitCode } from '../../engine/runner/agentProcess.js';
import { replayRun, type ReplayResult } from '../../engine/replay/replayRun.js';
import { verdictLines } from '../../engine/replay/verdictText.js';
import type { DivergencePolicy } from '../../shared/trace/tape.js';
import type { Command } from '../context.js';
import { openCliStore } from '../context.js';
import { showStep } from './show.js';

/** Exit code of a replay that diverged from its recording (or whose state at the step differs). */
export const EXIT_REPLAY_DIVERGED = 3;

export const replayCommand: Command = {
  spec: {
    name: 'replay',
    summary: 'Replay a recorded run offline and verify it; --step N jumps there (--offline) or resumes live from it; --branch B runs a branch.',
    usage: 'replay <id> [--step N | --branch B] [--offline] [--on-divergence stop|live] [--pace instant|recorded] [--script PATH] [--node PATH] [--json]',
    positionals: [{ name: 'id', required: true, description: 'run id or a unique prefix of it' }],
    options: [
      { name: 'step', type: 'int', min: 0, valueName: 'N', description: 'replay through step N, then resume live as branch <id>__resume-N (replaces an earlier one)' },
      { name: 'branch', type: 'string', valueName: 'B', description: 'run branch B of this trace with its edits (id or name; see agenttrace branch --help)' },
      { name: 'offline', type: 'boolean', description: 'with --step: stop at step N and print the state there instead of resuming; with --branch: stop at the first request the recording cannot answer' },
      { name: 'on-divergence', type: 'string', choices: ['stop', 'live'], valueName: 'stop|live', description: 'at the first divergence: stop there (default) or continue live' },
      { name: 'pace', type: 'string', choices: ['instant', 'recorded'], valueName: 'instant|recorded', description: 'stream chunks instantly (default) or with their recorded timing' },
      { name: 'script', type: 'string', valueName: 'PATH', description: 'run this script instead of the recorded path (it moved)' },
      { name: 'node', type: 'string', valueName: 'PATH', description: 'node binary that runs the agent (default: this node)' },
      { name: 'json', type: 'boolean', description: 'print the verdict as JSON on stdout at the end (after the agent output)' },
    ],
    examples: [
      'agenttrace replay 3f2a',
      'agenttrace replay 3f2a --step 42 --offline',
      'agenttrace replay 3f2a --step 42',
      'agenttrace replay 3f2a --script ./moved/agent.mjs',
      'agenttrace replay 3f2a --branch 3f2a__step-4',
    ],
    notes: [
      'Exit codes: 0 verified (or, with --offline, stopped at the step with its state verified); 3 diverged (the report',
      "on stderr names the step, its kind and the differing fields); otherwise the agent's own exit code (a resume exits",
      'like the continued agent). Resuming again from the same step replaces the branch <id>__resume-N.',
      "A branch run (--branch) exits like the branch's agent, or 3 when --offline stopped it at a divergence; running",
      'a branch again replaces its earlier run (its edits and its own branches stay).',
    ],
  },
  async run(args, ctx) {
    const o = args.options;
    const json = Boolean(o.json);
    const store = openCliStore(ctx);
    try {
      const result = await replayRun({
        runId: args.positionals[0],
        step: o.step as number | undefined,
        branch: o.branch as string | undefined,
        offline: Boolean(o.offline),
        onDivergence: o['on-divergence'] as DivergencePolicy | undefined,
        pace: o.pace as 'instant' | 'recorded' | undefined,
        script: o.script as string | undefined,
        node: o.node as string | undefined,
        store,
        env: ctx.env,
        cwd: ctx.cwd,
        forwardSignals: true,
        onNotice: (m) => ctx.printer.err(`agenttrace: ${m}\n`),
      });
      if (json) ctx.printer.json(toJson(result));
      else {
        // Where an offline jump stopped: the same view as `show --step N`.
        if (result.mode === 'jump' && (result.outcome.kind === 'stopped' || result.verdict.state)) showStep(store, store.getRun(result.runId), result.step as number, false, ctx.printer);
        for (const line of verdictLines(result)) ctx.printer.err(line + '\n');
      }
      return exitCode(result);
    } finally {
      store.close();
    }
  },
};

export function exitCode(r: ReplayResult): number {
  switch (r.outcome.kind) {
    case 'verified':
    case 'stopped':
      return 0;
    case 'diverged':
      return EXIT_REPLAY_DIVERGED;
    case 'resumed':
    case 'branched':
    case 'departed':
      return shellExitCode(r.exit);
    case 'failed':
      return shellExitCode(r.exit) || 1;
  }
}

/** `--json`: the verdict's own fields first, then what the replay was and how it ended. */
function toJson(r: ReplayResult): Record<string, unknown> {
  return {
    ...r.verdict,
    runId: r.runId,
    mode: r.mode,
    ...(r.step !== undefined ? { step: r.step } : {}),
    outcome: r.outcome,
    verdictBy: r.verdictBy,
    exitCode: r.exit.code,
    signal: r.exit.signal,
    notices: r.notices,
    ...(r.branch ? { branch: r.branch } : {}),
  };
}
