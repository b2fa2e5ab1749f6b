/**
 * Imports of things that are not trace files, and imports that are killed: the real CLI against a FIFO (which would
 * block a plain open forever), a folder and devices (/dev/zero never ends); the workbench's import API against the
 * same paths; a SIGKILLed import of a large file, whose scratch database must be gone after the next command while
 * the store keeps its runs; a store damaged while a killed process had it open is reported as corrupt.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportApi } from '../../src/engine/api/importApi.js';
import { openStore } from '../../src/engine/store/store.js';
import { removeHomes, sleep, startCli, tmpHome } from '../cli/cliHarness.js';
import { killWhileStaging, makeTraceFile, mkdir, namesIn, openMarkers, runCliWithin } from './faultHelpers.js';

afterAll(removeHomes);

let work: string;
let small: string;
let mid: string;
let big: string;
beforeAll(async () => {
  work = tmpHome();
  small = path.join(work, 'small.agenttrace');
  mid = path.join(work, 'mid.agenttrace');
  big = path.join(work, 'big.agenttrace');
  await makeTraceFile(mkdir(work, 'src-small'), 'run-small', 20, small);
  await makeTraceFile(mkdir(work, 'src-mid'), 'run-mid', 3000, mid);
  // Large enough that staging it takes well over the moment it takes to see the scratch folder appear.
  await makeTraceFile(mkdir(work, 'src-big'), 'run-big', 100_000, big, 300);
});

describe('import and open refuse what is not a regular file, at once and in one line', () => {
  it('a FIFO, a folder, /dev/zero and /dev/null through `import` and `open`', async () => {
    const fifo = path.join(work, 'pipe.agenttrace');
    execFileSync('mkfifo', [fifo]);
    const folder = mkdir(work, 'folder.agenttrace');
    const home = tmpHome();
    const cases: [string, string][] = [
      [fifo, 'a FIFO'],
      [folder, 'a folder'],
      ['/dev/zero', 'a device'],
      ['/dev/null', 'a device'],
    ];
    for (const [p, kind] of cases) {
      // `open` goes through the same reader: checked on the two that a plain open would hang on or misreport.
      for (const cmd of kind === 'a device' ? ['import'] : ['import', 'open']) {
        const r = await runCliWithin(15_000, [cmd, p], { home });
        expect(r.code, `${cmd} ${p}: ${r.stderr}`).toBe(1);
        expect(r.stderr).toBe(`agenttrace: not a regular file: ${p} (${kind}) (import a .agenttrace file written by \`agenttrace export\`)\n`);
        expect(r.stderr).not.toMatch(/internal error|EISDIR/);
      }
    }
    // The same through --json: one result per file, the good one imports beside the bad ones.
    const r = await runCliWithin(15_000, ['import', fifo, small, folder, '--json'], { home });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as { ok: boolean; error?: { code: string; message: string } }[];
    expect(results.map((x) => x.ok)).toEqual([false, true, false]);
    expect(results[0].error).toMatchObject({ code: 'ATR_TRACE_FILE', message: `not a regular file: ${fifo} (a FIFO)` });
  });

  it("the workbench's import API: one outcome per path, no hang", async () => {
    const fifo = path.join(work, 'api-pipe.agenttrace');
    execFileSync('mkfifo', [fifo]);
    const store = openStore({ home: tmpHome(), env: {} });
    try {
      const api = createImportApi(store);
      const res = await Promise.race([
        api.importTraceFiles({ paths: [fifo, work, '/dev/zero', small] }),
        sleep(15_000).then(() => {
          throw new Error('the import API hung');
        }),
      ]);
      expect(res.outcomes.map((o) => o.ok)).toEqual([false, false, false, true]);
      expect(res.outcomes[0]).toMatchObject({ ok: false, code: 'ATR_TRACE_FILE', message: expect.stringMatching(/^not a regular file: api-pipe\.agenttrace \(a FIFO\)/) as unknown });
      expect(res.outcomes[1]).toMatchObject({ ok: false, message: expect.stringMatching(/^not a regular file: .* \(a folder\)/) as unknown });
      expect(res.outcomes[2]).toMatchObject({ ok: false, message: expect.stringMatching(/^not a regular file: zero \(a device\)/) as unknown });
    } finally {
      store.close();
    }
  });
});

describe('a killed import', () => {
  it('leaves a scratch database that the next command removes; the store keeps its runs and passes its check', async () => {
    const home = tmpHome();
    const tmp = mkdir(tmpHome(), 'tmp');
    const env = { TMPDIR: tmp };
    expect((await runCliWithin(30_000, ['import', small], { home, env })).code).toBe(0);

    const run = startCli(['import', big], { home, env });
    // Once the import is staging (its scratch database is growing), kill it outright.
    const leftover = [await killWhileStaging(run, tmp)];
    expect(namesIn(tmp)).toEqual(leftover);
    expect(fs.statSync(path.join(tmp, leftover[0], 'staging.db')).size).toBeGreaterThan(0);
    expect(openMarkers(home)).toEqual([`traces.db.open.${run.child.pid}.1`]);

    const list = await runCliWithin(30_000, ['list', '--json'], { home, env });
    expect(list.code, list.stderr).toBe(0);
    expect(namesIn(tmp)).toEqual([]);
    expect(openMarkers(home)).toEqual([]);
    expect(list.stdout).toContain('run-small');
    expect(list.stdout).not.toContain('run-big');
  });

  it('a store damaged while a killed process had it open is reported as corrupt, in one line', async () => {
    const home = tmpHome();
    const tmp = mkdir(tmpHome(), 'tmp');
    const env = { TMPDIR: tmp };
    expect((await runCliWithin(30_000, ['import', small], { home, env })).code).toBe(0);
    expect((await runCliWithin(60_000, ['import', mid], { home, env })).code).toBe(0);
    // A killed process had it open (its marker is left), and pages of the file were damaged meanwhile.
    const run = startCli(['import', big], { home, env });
    await killWhileStaging(run, tmp);
    expect(openMarkers(home)).toHaveLength(1);
    const db = path.join(home, 'traces.db');
    const size = fs.statSync(db).size;
    const fd = fs.openSync(db, 'r+');
    fs.writeSync(fd, Buffer.alloc(64 * 1024, 0x5a), 0, 64 * 1024, Math.floor(size / 2 / 4096) * 4096);
    fs.closeSync(fd);

    const r = await runCliWithin(30_000, ['list'], { home, env });
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^agenttrace: the store at ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is corrupt: .+; move it aside and re-import your trace files \\(`));
    expect(r.stderr).not.toMatch(/internal error/);
  });
});

describe('a cleanly closed store', () => {
  it('leaves no marker, so the next open skips the check', () => {
    const home = path.join(os.tmpdir(), `atr-clean-${process.pid}`);
    fs.rmSync(home, { recursive: true, force: true });
    try {
      const a = openStore({ home, env: {} });
      const b = openStore({ home, env: {} });
      expect(openMarkers(home)).toHaveLength(2);
      a.close();
      b.close();
      expect(openMarkers(home)).toEqual([]);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
