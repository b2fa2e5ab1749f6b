/**
 * Golden v1 trace files (made by scripts/makeTraceFixtures.mjs from a real recording: three LLM calls against the
 * mock server, a branch with an edited reply, a live resume) through the real binary: each imports into an empty
 * store; `show` gives what the recording store showed; every complete run replays offline with the recorded output,
 * from the fixture agent (the recorded script path no longer exists anywhere, like a file from another machine).
 * These files are frozen: a future format version must keep loading them.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredRun } from '../../src/engine/store/storeTypes.js';
import type { TraceEvent } from '../../src/shared/trace/types.js';
import { REPO, cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';

afterAll(removeHomes);

const FIX = path.join(REPO, 'test', 'fixtures', 'traceFiles');
const AGENT = path.join(FIX, 'agents', 'chain.mjs');

interface Expected {
  root: string;
  files: Record<string, { focus: string; root: string; runs: Record<string, { partialUpTo?: number }> }>;
  runs: Record<string, { run: StoredRun; events: [number, string, string][]; replayStdout: string }>;
}
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'chain.v1.expected.json'), 'utf8')) as Expected;

const digests = (events: TraceEvent[]): [number, string, string][] => events.map((e) => [e.seq, e.kind, createHash('sha256').update(JSON.stringify(e)).digest('hex').slice(0, 16)]);

describe.each(Object.entries(expected.files))('golden fixture %s', (name, spec) => {
  it('imports into an empty store; show matches the recording; every complete run replays with its recorded output', async () => {
    const home = tmpHome();
    const n = Object.keys(spec.runs).length;
    const imp = await runCli(['import', path.join(FIX, name)], { home });
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(new RegExp(`^Imported .*${name.replace(/\./g, '\\.')}: ${n} runs, \\d+ events, \\d+ new blobs?; root ${spec.root}\\n`));
    // The recorded script path is gone: import says how to replay anyway.
    expect(imp.stderr).toContain(`agenttrace: note: the script of ${spec.root} is not on this machine (${expected.runs[spec.root].run.scriptPath}); replay it with --script PATH`);

    for (const [id, info] of Object.entries(spec.runs)) {
      const shown = await cliJson<{ run: StoredRun; events: TraceEvent[] }>(['show', id, '--json'], { home });
      const want = expected.runs[id];
      const { hostPid, ...all } = shown.run;
      expect(hostPid).toBeUndefined();
      // Fields `show` derives at display time (costs from the price table) are not part of the run's content.
      const run = Object.fromEntries(Object.entries(all).filter(([k]) => k in want.run)) as Omit<StoredRun, 'hostPid'>;
      if (info.partialUpTo === undefined) {
        expect(run, id).toEqual(want.run);
        expect(digests(shown.events), id).toEqual(want.events);
      } else {
        // An ancestor carried up to the fork: the same run, its events through the fork, and a note saying so.
        expect(run.warnings).toEqual([...want.run.warnings, expect.stringMatching(new RegExp(`^partial copy: only steps 0\\.\\.${info.partialUpTo} `))]);
        expect({ ...run, warnings: want.run.warnings }, id).toEqual(want.run);
        expect(digests(shown.events), id).toEqual(want.events.filter(([seq]) => seq <= (info.partialUpTo as number)));
      }
    }

    const human = await runCli(['show', spec.focus], { home });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^Run\\s+${spec.focus}$`, 'm'));
    expect(human.stdout).toMatch(/^Status\s+ok \(exit 0\)$/m);
    expect(human.stdout.split('\n').filter((l) => /^\s+\d+\s+\+\S+\s+[a-z]+\s/.test(l))).toHaveLength(expected.runs[spec.focus].events.length);

    for (const [id, info] of Object.entries(spec.runs)) {
      if (info.partialUpTo !== undefined) continue;
      const r = await runCli(['replay', id, '--script', AGENT], { home });
      expect(r.code, `${id}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toMatch(/^Replay verified: output identical \(\d+ events matched\)$/m);
      expect(r.stdout).toBe(expected.runs[id].replayStdout);
    }
  });
});

describe('golden fixtures together', () => {
  it('the --only file, then the full file completes the partial root; importing either again changes nothing', async () => {
    const home = tmpHome();
    const only = path.join(FIX, 'chain-edited-only.v1.agenttrace');
    const full = path.join(FIX, 'chain.v1.agenttrace');
    expect((await runCli(['import', only], { home })).code).toBe(0);
    const r = await runCli(['import', full], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/: 2 runs \(1 already present\), \d+ events/);
    expect(r.stdout).toContain(`  completed ${expected.root}\n`);
    const { run } = await cliJson<{ run: StoredRun }>(['show', expected.root, '--json'], { home });
    expect(run.warnings).toEqual(expected.runs[expected.root].run.warnings);

    const again = await runCli(['import', only, full, '--json'], { home });
    expect(again.code, again.stderr).toBe(0);
    const results = JSON.parse(again.stdout) as { ok: boolean; alreadyImported: boolean }[];
    expect(results.map((x) => [x.ok, x.alreadyImported])).toEqual([
      [true, true],
      [true, true],
    ]);
    const runs = await cliJson<{ id: string }[]>(['list', '--json'], { home });
    expect(runs.map((x) => x.id).sort()).toEqual(Object.keys(expected.runs).sort());
  });
});
