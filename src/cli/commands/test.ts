/**
 * `agenttrace test <baseline>…`: recorded runs as regression tests. Each baseline (a run id, or a committed
 * .agenttrace file) is replayed offline against the script's current code; it passes when the replay is identical,
 * else the first difference is reported as a diff. `--update` records the scripts again and makes those runs the
 * new baselines (a trace file is rewritten in place). Reports as text, or JUnit XML for CI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BadArgsError } from '../../engine/errors.js';
import { resolveBaseline, runRegressionCase, updateBaseline, type Baseline, type RegressionCase, type RegressionOptions } from '../../engine/replay/regressionTest.js';
import type { Command } from '../context.js';
import { openCliStore } from '../context.js';
import { junitXml } from '../junitXml.js';
import type { Printer } from '../printer.js';

export const testCommand: Command = {
  spec: {
    name: 'test',
    summary: 'Replay recorded runs offline against the current code as regression tests (JUnit output for CI).',
    usage: 'test <run|file.agenttrace>… [--update] [--reporter text|junit] [--output FILE] [--node PATH]',
    positionals: [{ name: 'baseline', required: true, description: 'a run id (or unique prefix), or a trace file written by `agenttrace export`' }],
    rest: { name: 'more…', description: 'more baselines' },
    options: [
      { name: 'update', type: 'boolean', description: 'record each script again (live) and make that run the new baseline; a trace file is rewritten in place' },
      { name: 'reporter', type: 'string', choices: ['text', 'junit'], valueName: 'text|junit', description: 'report format (default text)' },
      { name: 'output', short: 'o', type: 'string', valueName: 'FILE', description: 'with --reporter junit: write the XML to FILE (the text report still goes to stdout)' },
      { name: 'node', type: 'string', valueName: 'PATH', description: 'node binary that runs the agent (default: this node)' },
    ],
    examples: [
      'agenttrace test 3f2a',
      'agenttrace test test/traces/*.agenttrace --reporter junit --output results.xml',
      'agenttrace test test/traces/search.agenttrace --update',
    ],
    notes: [
      'The script runs as it is on disk now; what the recording received (LLM and HTTP replies, random values, clock',
      'reads) is replayed, and nothing reaches the network. A test passes when every request, the output and the exit',
      'code are the recorded ones; otherwise the first difference is reported (the step, the recorded and the new',
      'request, a -/+ pair per differing field). Run it from the folder the run was recorded in (a trace file finds',
      'its script there). Exit codes: 0 all passed (or updated), 1 a test failed or could not run, 2 usage errors',
      '(unknown run id, missing or unreadable trace file).',
    ],
  },
  async run(args, ctx) {
    const o = args.options;
    const reporter = (o.reporter as string | undefined) ?? 'text';
    const output = o.output as string | undefined;
    if (output !== undefined && reporter !== 'junit') throw new BadArgsError('--output needs --reporter junit', 'e.g. agenttrace test 3f2a --reporter junit --output results.xml');
    if (o.update && reporter === 'junit') throw new BadArgsError('--update records new baselines and runs no tests: it has no JUnit report', 'run agenttrace test again without --update to test against them');
    const store = openCliStore(ctx);
    try {
      // Every baseline is resolved before anything runs: a typo is a usage error, not a half-run suite.
      const baselines: Baseline[] = [];
      for (const ref of [args.positionals[0], ...args.rest]) baselines.push(await resolveBaseline(store, ref, ctx.cwd));
      const opts: RegressionOptions = { store, cwd: ctx.cwd, env: ctx.env, node: o.node as string | undefined };
      if (o.update) return await update(baselines, opts, ctx.printer);

      const started = new Date();
      const cases: RegressionCase[] = [];
      for (const b of baselines) {
        const c = await runRegressionCase(b, opts);
        cases.push(c);
        if (reporter === 'text' || output !== undefined) printCase(c, ctx.printer);
      }
      if (reporter === 'junit') {
        const xml = junitXml(cases, started);
        if (output === undefined) ctx.printer.out(xml);
        else fs.writeFileSync(path.resolve(ctx.cwd, output), xml);
      }
      const failed = cases.filter((c) => c.status !== 'passed');
      const totals = `${cases.length} test${cases.length === 1 ? '' : 's'}: ${cases.length - failed.length} passed, ${failed.length} failed`;
      // With the XML on stdout, the human summary goes to stderr so the XML stays parseable.
      const say = (line: string): void => (reporter === 'junit' && output === undefined ? ctx.printer.err(line) : ctx.printer.out(line));
      say(`${totals}\n`);
      if (failed.some((c) => c.status === 'failed')) {
        say(`If the new behaviour is intended, make it the baseline: agenttrace test ${failed.map((c) => c.baseline.ref).join(' ')} --update\n`);
      }
      return failed.length ? 1 : 0;
    } finally {
      store.close();
    }
  },
};

function printCase(c: RegressionCase, printer: Printer): void {
  const label = c.status === 'passed' ? 'PASS' : c.status === 'failed' ? 'FAIL' : 'ERROR';
  const run = c.baseline.file ? `${c.baseline.ref}, run ${c.baseline.runId}` : `run ${c.baseline.runId}`;
  printer.out(`${label}  ${c.script} (${run}) ${(c.durationMs / 1000).toFixed(1)}s\n`);
  if (c.status === 'passed') return;
  for (const line of [c.summary, ...c.details]) printer.out(`      ${line}\n`);
}

async function update(baselines: Baseline[], opts: RegressionOptions, printer: Printer): Promise<number> {
  for (const b of baselines) {
    const u = await updateBaseline(b, opts);
    const where = b.file ? `${b.ref} now holds run ${u.runId}` : `new baseline: run ${u.runId} (was ${b.runId}); test it with: agenttrace test ${u.runId}`;
    printer.out(`Recorded ${u.status === 'ok' ? 'ok' : u.status} (exit ${String(u.exitCode)}): ${where}\n`);
    if (u.status !== 'ok') printer.err(`agenttrace: warning: the new recording of ${b.ref} ended ${u.status} (exit ${String(u.exitCode)}); tests will expect that\n`);
  }
  return 0;
}
