/** Bad input through the real binary: one clear line on stderr, a non-zero exit, never a stack trace. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/engine/store/store.js';
import { journal, meta } from '../../src/engine/store/testJournal.js';
import { runCli, tmpHome, type CliResult, removeHomes } from './cliHarness.js';

afterAll(removeHomes);

function expectOneLineError(r: CliResult, code: number, re: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^agenttrace: .+ \(.+\)$/);
  expect(lines[0]).toMatch(re);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A home with runs whose ids share prefixes (crafted straight into the store). */
function homeWithRuns(ids: string[]): string {
  const home = tmpHome();
  const s = openStore({ home, env: {} });
  for (const id of ids) s.ingestor(id).ingestText(journal({ t: 'run', meta: meta(id) }, { t: 'ev', seq: 0, kind: 'step', ts: 1, payload: { name: 'a' } }));
  s.close();
  return home;
}

describe('CLI errors', () => {
  it('unknown id', async () => {
    const home = homeWithRuns(['aaaa1111']);
    expectOneLineError(await runCli(['show', 'bbbb'], { home }), 1, /no run with id bbbb \(run `agenttrace list`/);
  });

  it('ambiguous id prefix lists the candidates', async () => {
    const home = homeWithRuns(['abc1-x', 'abc2-y', 'abd3-z']);
    expectOneLineError(await runCli(['show', 'abc'], { home }), 1, /id prefix "abc" matches 2 runs: abc1-x, abc2-y \(type more characters/);
    const ok = await runCli(['show', 'abd', '--json'], { home });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).run.id).toBe('abd3-z');
  });

  it('a step the run does not have', async () => {
    const home = homeWithRuns(['run-1']);
    expectOneLineError(await runCli(['show', 'run-1', '--step', '5'], { home }), 1, /run run-1 has no step 5 \(steps of this run: 0\.\.0\)/);
  });

  it('missing script', async () => {
    const home = tmpHome();
    const r = await runCli(['record', 'no/such/agent.mjs'], { home });
    expectOneLineError(r, 1, new RegExp(`script not found: ${path.resolve('no/such/agent.mjs').replace(/[/.]/g, '\\$&')}`));
  });

  it('a --node that does not exist', async () => {
    const home = tmpHome();
    expectOneLineError(await runCli(['record', 'test/agents/cli-basic.mjs', '--node', '/no/such/node'], { home }), 1, /cannot start \/no\/such\/node: .*ENOENT/);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['--bogus'], /unknown option --bogus/],
    [['list', '--bogus'], /unknown option --bogus for list/],
    [['show'], /missing <id> for show/],
    [['record'], /missing <script> for record/],
    [['record', 'x.mjs', '--keyframe-every', '0'], /--keyframe-every must be at least 1, got 0/],
    [['record', 'x.mjs', '--keyframe-every', 'ten'], /--keyframe-every must be an integer, got "ten"/],
    [['record', 'x.mjs', '--name'], /--name needs a value/],
    [['record', 'x.mjs', '--verbose'], /unknown option --verbose for record .*agenttrace record script -- --flag/],
    [['show', 'x', '--kind', 'bogus'], /unknown event kind bogus \(kinds: llm, http/],
    [['show', 'x', '--json=yes'], /--json takes no value/],
    [['list', 'extra'], /unexpected argument "extra" for list/],
  ])('bad arguments %j exit 2', async (args, re) => {
    expectOneLineError(await runCli(args, { home: tmpHome() }), 2, re);
  });

  it('a store it cannot open names what it tried', async () => {
    const home = tmpHome();
    const r = await runCli(['list'], { home, env: { AGENTTRACE_SQLITE_BINDING: '/opt/electron/better_sqlite3.node' } });
    expectOneLineError(r, 1, /cannot load the SQLite native binding \/opt\/electron\/better_sqlite3\.node.*\(AGENTTRACE_SQLITE_BINDING must point/);
  });

  it('record with a store it cannot open: the agent started, but none of its code ran and no journal is left', async () => {
    const home = tmpHome();
    const marker = path.join(home, 'marker');
    const r = await runCli(['record', 'test/agents/launch-marker.mjs'], { home, env: { AGENTTRACE_SQLITE_BINDING: '/opt/electron/better_sqlite3.node', LAUNCH_MARKER: marker } });
    expectOneLineError(r, 1, /cannot load the SQLite native binding \/opt\/electron\/better_sqlite3\.node/);
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.readdirSync(path.join(home, 'journals'))).toEqual([]);
  });
});

describe('CLI help', () => {
  it('--help, <command> --help, help <command> and --version', async () => {
    const home = tmpHome();
    const top = await runCli(['--help'], { home });
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: agenttrace <command>/);
    for (const c of ['record', 'list', 'show']) expect(top.stdout).toMatch(new RegExp(`^  ${c}\\s+\\S`, 'm'));
    const rec = await runCli(['record', '--help'], { home });
    expect(rec.code).toBe(0);
    expect(rec.stdout).toContain('Usage: agenttrace record <script> [--keyframe-every N] [--node PATH] [--name NAME] [--json] [-- args…]');
    expect(rec.stdout).toContain('--keyframe-every N');
    expect((await runCli(['help', 'show'], { home })).stdout).toContain('--step N');
    const v = await runCli(['--version'], { home });
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('list on an empty store says how to record', async () => {
    const r = await runCli(['list'], { home: tmpHome() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No runs recorded yet');
    expect((await runCli(['list', '--json'], { home: tmpHome() })).stdout.trim()).toBe('[]');
  });
});
