/**
 * Bad input to `agenttrace replay` and `agenttrace tape`, through the real binary: one clear line on stderr and a
 * non-zero exit, nothing run, nothing stored changed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import type { Tape } from '../../src/shared/trace/tape.js';
import { AGENTS, cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';

afterAll(removeHomes);

let home: string;
let id: string;
let steps: number;
let agentDir: string;
let script: string;

beforeAll(async () => {
  home = tmpHome();
  agentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-replay-agent-'));
  script = path.join(agentDir, 'host-replay-tiny.mjs');
  fs.copyFileSync(path.join(AGENTS, 'host-replay-tiny.mjs'), script);
  const r = await runCli(['record', script], { home });
  expect(r.code, r.stderr).toBe(0);
  [{ id, steps }] = await cliJson<RunListItem[]>(['list', '--json'], { home });
  expect(steps).toBeGreaterThan(3);
});
afterAll(() => fs.rmSync(agentDir, { recursive: true, force: true }));

const err = (stderr: string): string => stderr.trim().split('\n').pop() ?? '';

describe('agenttrace replay: bad input', () => {
  it('an unknown id', async () => {
    const r = await runCli(['replay', 'nope-nope'], { home });
    expect(r.code).toBe(1);
    expect(err(r.stderr)).toBe('agenttrace: no run with id nope-nope (run `agenttrace list` to see the recorded runs)');
    expect(r.stdout).toBe('');
  });

  it('a step beyond the end names the step count, for jump, resume and tape alike', async () => {
    for (const args of [['replay', id, '--step', String(steps)], ['replay', id.slice(0, 8), '--step', '100000', '--offline'], ['tape', id, '--step', String(steps), '--out', '-']]) {
      const r = await runCli(args, { home });
      expect(r.code, args.join(' ')).toBe(1);
      expect(err(r.stderr)).toMatch(new RegExp(`^agenttrace: step \\d+ is beyond the end of run ${id}: it has ${steps} steps \\(.*0\\.\\.${steps - 1}\\)$`));
      expect(r.stdout).toBe('');
    }
    const runs = await cliJson<RunListItem[]>(['list', '--json'], { home });
    expect(runs.map((x) => x.id)).toEqual([id]);
  });

  it('a script that no longer exists: names the path and suggests --script PATH', async () => {
    const moved = path.join(agentDir, 'moved.mjs');
    fs.renameSync(script, moved);
    try {
      const r = await runCli(['replay', id], { home });
      expect(r.code).toBe(1);
      expect(err(r.stderr)).toBe(`agenttrace: the script of run ${id} no longer exists: ${script} (pass its new location with --script PATH)`);
      const wrong = await runCli(['replay', id, '--script', 'not/here.mjs'], { home, cwd: agentDir });
      expect(wrong.code).toBe(1);
      expect(err(wrong.stderr)).toBe(`agenttrace: script not found: ${path.join(agentDir, 'not/here.mjs')} (check --script PATH; it is resolved from the current directory)`);
      // The moved script is found with --script and is not "changed" (same bytes).
      const ok = await runCli(['replay', id, '--script', 'moved.mjs'], { home, cwd: agentDir });
      expect(ok.stderr).not.toMatch(/no longer exists|script changed/);
    } finally {
      fs.renameSync(moved, script);
    }
  });

  it('usage errors exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['replay', id, '--offline'], /--offline needs --step N/],
      [['replay', id, '--on-divergence', 'maybe'], /--on-divergence must be stop or live, got "maybe"/],
      [['replay', id, '--pace', 'fast'], /--pace must be instant or recorded, got "fast"/],
      [['replay', id, '--step', '-1'], /--step must be at least 0/],
      [['tape', id], /tape needs --out FILE/],
      [['tape', id, '--branch', 'b1', '--step', '2', '--out', '-'], /--branch and --step do not go together/],
      [['replay', id, '--branch', 'b1', '--step', '2'], /--branch and --step do not go together/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args, { home });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(err(r.stderr)).toMatch(re);
    }
  });
});

describe('agenttrace tape', () => {
  it('writes the tape of a run to a file or stdout', async () => {
    const out = path.join(agentDir, 'sub', 'tape.json');
    const r = await runCli(['tape', id.slice(0, 8), '--out', out], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^Tape written: ${out.replace(/[.]/g, '\\.')} \\(${steps} steps, 0 network calls\\)`));
    const tape = JSON.parse(fs.readFileSync(out, 'utf8')) as Tape;
    expect(tape).toMatchObject({ formatVersion: 1, runId: id, steps, recordedStatus: 'ok', after: 'stop', onDivergence: 'stop', pace: 'instant' });
    expect(tape.signature).toHaveLength(steps);
    expect(tape.values['Math.random']).toHaveLength(3);

    const jump = await cliJson<Tape>(['tape', id, '--step', '2', '--offline', '--pace', 'recorded', '--out', '-'], { home });
    expect(jump).toMatchObject({ untilSeq: 2, after: 'stop', pace: 'recorded' });
    expect(jump.stateAtUntil?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(jump.branch).toBeUndefined();

    const resume = await cliJson<Tape>(['tape', id, '--step', '2', '--on-divergence', 'live', '--out', '-'], { home });
    expect(resume).toMatchObject({ untilSeq: 2, after: 'live', onDivergence: 'live', branch: { id: `${id}__resume-2`, parentId: id, forkSeq: 2, name: 'resume-2' } });
  });
});
