/**
 * `agenttrace record <script>`: runs the agent under the recorder; its stdout, stderr and exit code pass through.
 * The agent is launched first and the store, the ingest and the rest of the engine load while it starts (imported
 * below, not at the top): the agent's code waits only for the store to open, not for this process's start-up.
 */
import { agentTraceHome } from '../../engine/settings/paths.js';
import { launchRecording } from '../../engine/runner/recordLaunch.js';
import type { Command } from '../context.js';

export const recordCommand: Command = {
  spec: {
    name: 'record',
    summary: 'Run an agent script (.js/.mjs/.cjs/.ts/.mts/.cts) with recording on and store the trace.',
    usage: 'record <script> [--keyframe-every N] [--node PATH] [--name NAME] [--json] [-- args…]',
    positionals: [{ name: 'script', required: true, description: 'the agent script, relative to the current folder' }],
    rest: { name: 'args…', description: "arguments passed to the agent (process.argv.slice(2))" },
    options: [
      { name: 'keyframe-every', type: 'int', min: 1, valueName: 'N', description: 'capture a full state keyframe every N steps (default 10)' },
      { name: 'node', type: 'string', valueName: 'PATH', description: 'node binary that runs the agent (default: this node)' },
      { name: 'name', type: 'string', valueName: 'NAME', description: 'a name for the run, shown by list' },
      { name: 'json', type: 'boolean', description: 'print {id, status, exitCode, steps, llmCalls, tokens} on stdout at the end' },
    ],
    examples: ['agenttrace record agent.mjs', 'agenttrace record src/agent.ts --name nightly -- --topic "sea otters"'],
  },
  async run(args, ctx) {
    const o = args.options;
    const launch = launchRecording({
      script: args.positionals[0],
      args: args.rest,
      keyframeEvery: o['keyframe-every'] as number | undefined,
      node: o.node as string | undefined,
      name: o.name as string | undefined,
      home: agentTraceHome(ctx.env),
      cwd: ctx.cwd,
      env: ctx.env,
      forwardSignals: true,
    });
    const [{ ingestRecording, storeForLaunch, exitCodeFor }, { openCliStore }, { addErrorLocalsByReplay }] = await Promise.all([
      import('../../engine/runner/recordScript.js'),
      import('../context.js'),
      import('../../engine/replay/errorLocalsReplay.js'),
    ]);
    const store = await storeForLaunch(launch, () => openCliStore(ctx));
    try {
      const result = await ingestRecording(launch, store);
      if (result.status === 'failed') {
        const locals = await addErrorLocalsByReplay(store, result.id, { env: ctx.env, cwd: ctx.cwd, node: o.node as string | undefined });
        if (locals.status === 'unconfirmed') ctx.printer.err(`agenttrace: locals at the error not captured: ${locals.why}\n`);
      }
      if (o.json) {
        ctx.printer.json({
          id: result.id,
          status: result.status,
          exitCode: result.exitCode,
          signal: result.signal,
          steps: result.steps,
          llmCalls: result.llmCalls,
          tokens: result.tokens,
        });
      } else {
        // stderr, so the agent's stdout stays byte-identical when piped.
        ctx.printer.err(`Trace recorded: ${result.id}\n`);
      }
      return exitCodeFor(result);
    } finally {
      store.close();
    }
  },
};
