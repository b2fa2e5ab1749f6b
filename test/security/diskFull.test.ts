/**
 * A full disk, for real: the store (and, separately, the import's scratch folder) on a 2 MiB tmpfs, then an import of
 * a trace file far larger than that. The CLI says "disk full: <path>" in one line and exits 1; the store still opens
 * and lists the runs it had; nothing is left in the scratch folder. Mounting needs root (the test machines run as
 * root); the error mapping itself is covered without a mount in src/engine/store/storeFaults.test.ts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeHomes, tmpHome } from '../cli/cliHarness.js';
import { makeTraceFile, mkdir, namesIn, runCliWithin } from './faultHelpers.js';

const mounts: string[] = [];
function tmpfs(sizeKb: number): string {
  const dir = mkdir(tmpHome(), 'mnt');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

afterAll(() => {
  for (const m of mounts.splice(0)) execFileSync('umount', [m]);
  removeHomes();
});

let small: string;
let large: string;
beforeAll(async () => {
  const work = tmpHome();
  small = path.join(work, 'small.agenttrace');
  large = path.join(work, 'large.agenttrace');
  await makeTraceFile(mkdir(work, 'src-small'), 'run-small', 20, small);
  await makeTraceFile(mkdir(work, 'src-large'), 'run-large', 20_000, large, 300);
});

describe('a full disk', () => {
  it('under the store: "disk full: <store>", exit 1, the store still lists its runs', async () => {
    const home = path.join(tmpfs(2048), 'home');
    const env = { TMPDIR: mkdir(tmpHome(), 'tmp') };
    expect((await runCliWithin(30_000, ['import', small], { home, env })).code).toBe(0);

    const r = await runCliWithin(60_000, ['import', large], { home, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`agenttrace: disk full: ${path.join(home, 'traces.db')} (nothing was half-written; free some space and try again)\n`);

    const list = await runCliWithin(30_000, ['list', '--json'], { home, env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('run-small');
    expect(list.stdout).not.toContain('run-large');
    const show = await runCliWithin(30_000, ['show', 'run-small'], { home, env });
    expect(show.code, show.stderr).toBe(0);
    expect(namesIn(env.TMPDIR)).toEqual([]);
  });

  it('under the scratch folder: "disk full: <staging file>", exit 1, the scratch folder removed, the store untouched', async () => {
    const home = tmpHome();
    const tmp = tmpfs(1024);
    const env = { TMPDIR: tmp };
    expect((await runCliWithin(30_000, ['import', small], { home, env })).code).toBe(0);

    const r = await runCliWithin(60_000, ['import', large], { home, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^agenttrace: disk full: ${tmp.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/agenttrace-import-\\d+-\\w+/staging\\.db \\(nothing was half-written; free some space and try again\\)\\n$`));
    expect(namesIn(tmp)).toEqual([]);
    expect(fs.existsSync(path.join(home, 'traces.db'))).toBe(true);

    const list = await runCliWithin(30_000, ['list', '--json'], { home, env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('run-small');
    expect(list.stdout).not.toContain('run-large');
  });
});
