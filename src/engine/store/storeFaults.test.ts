import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtrError } from '../errors.js';
import { sweepStaleScratch } from './staging.js';
import { openStore } from './store.js';
import { diskFullError, isCorrupt, isDiskFull, rethrowDiskFull, staleOpenMarkers } from './storeFaults.js';
import { meta, removeTmpHomes, tmpHome } from './testJournal.js';

afterAll(removeTmpHomes);

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function storeWithRuns(home: string, n: number): string {
  const s = openStore({ home, env: {} });
  for (let i = 0; i < n; i++) {
    const lines = [{ t: 'run' as const, meta: meta(`run-${i}`) }];
    s.ingestor(`run-${i}`).ingestLines(lines);
    s.ingestor(`run-${i}`).ingestLines(Array.from({ length: 400 }, (_, seq) => ({ t: 'ev' as const, seq, kind: 'console', ts: seq, payload: { stream: 'stdout', text: `line ${seq} of run ${i} `.repeat(8) } })));
  }
  s.close();
  return s.file;
}

function damage(file: string): void {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r+');
  // Pages past the schema page: a clean open (which reads only the schema) does not touch them.
  fs.writeSync(fd, Buffer.alloc(16 * 4096, 0xa5), 0, 16 * 4096, Math.floor(size / 2 / 4096) * 4096);
  fs.closeSync(fd);
}

describe('disk full', () => {
  it('SQLITE_FULL, ENOSPC and EDQUOT become "disk full: <path>"; other errors pass through', () => {
    for (const code of ['SQLITE_FULL', 'ENOSPC', 'EDQUOT']) {
      const e = Object.assign(new Error('no space'), { code });
      expect(isDiskFull(e)).toBe(true);
      const thrown = ((): unknown => {
        try {
          rethrowDiskFull(e, '/x/traces.db');
        } catch (err) {
          return err;
        }
      })();
      expect(thrown).toBeInstanceOf(AtrError);
      expect((thrown as AtrError).code).toBe('ATR_STORE');
      expect((thrown as AtrError).message).toBe('disk full: /x/traces.db');
    }
    const other = Object.assign(new Error('locked'), { code: 'SQLITE_BUSY' });
    expect(() => rethrowDiskFull(other, '/x')).toThrow(other);
    expect(diskFullError('/y').toLine()).toBe('disk full: /y (nothing was half-written; free some space and try again)');
    expect(isCorrupt(Object.assign(new Error('x'), { code: 'SQLITE_CORRUPT_INDEX' }))).toBe(true);
  });
});

describe('unclean close', () => {
  it('a damaged store that a dead process had open is refused as corrupt; a cleanly closed one opens without a check', () => {
    const home = tmpHome();
    const file = storeWithRuns(home, 6);
    damage(file);
    // Closed cleanly: no marker, no quick_check, the open succeeds (its damaged pages are not read).
    const s = openStore({ home, env: {} });
    s.close();

    const marker = `${file}.open.${deadPid()}.1`;
    fs.writeFileSync(marker, '');
    expect(staleOpenMarkers(file)).toEqual([marker]);
    let err: unknown;
    try {
      openStore({ home, env: {} }).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AtrError);
    const e = err as AtrError;
    expect(e.code).toBe('ATR_STORE');
    expect(e.message).toMatch(new RegExp(`^the store at ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is corrupt: .+; move it aside and re-import your trace files$`));
    expect(e.message).not.toContain('\n');
    // Still refused on the next open: the marker stays until a check passes.
    expect(fs.existsSync(marker)).toBe(true);
  });

  it('an intact store a dead process had open passes the check, and the stale marker is removed', () => {
    const home = tmpHome();
    const file = storeWithRuns(home, 2);
    const marker = `${file}.open.${deadPid()}.3`;
    fs.writeFileSync(marker, '');
    const s = openStore({ home, env: {} });
    expect(s.listRuns().total).toBe(2);
    expect(fs.existsSync(marker)).toBe(false);
    s.close();
    expect(staleOpenMarkers(file)).toEqual([]);
  });
});

describe('stale scratch folders', () => {
  it('removes those of dead processes, keeps live ones and recent legacy ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-sweep-'));
    try {
      const dead = path.join(dir, `agenttrace-import-${deadPid()}-abc123`);
      const deadUpload = path.join(dir, `agenttrace-upload-${deadPid()}-abc123`);
      const mine = path.join(dir, `agenttrace-import-${process.pid}-xyz789`);
      const legacy = path.join(dir, 'agenttrace-import-Qw3rTy');
      const oldLegacy = path.join(dir, 'agenttrace-import-0ld123');
      const other = path.join(dir, 'something-else');
      for (const d of [dead, deadUpload, mine, legacy, oldLegacy, other]) fs.mkdirSync(d);
      fs.writeFileSync(path.join(dead, 'staging.db'), 'x');
      const old = (Date.now() - 2 * 24 * 3600 * 1000) / 1000;
      fs.utimesSync(oldLegacy, old, old);
      expect(sweepStaleScratch(dir).sort()).toEqual([dead, deadUpload, oldLegacy].sort());
      expect(fs.readdirSync(dir).sort()).toEqual([path.basename(legacy), path.basename(mine), 'something-else'].sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
