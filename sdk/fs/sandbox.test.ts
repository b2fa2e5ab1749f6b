/**
 * The replay file sandbox through real child processes: an agent that changes files through every fs API is
 * recorded (it really changes its folder), the folder is reset, and the replay must (1) leave the folder exactly as
 * it was, byte for byte and timestamp for timestamp, (2) print exactly what the recording printed — so every read
 * saw the replay's own writes, renames and deletions — and (3) record the same fs events.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir } from '../determinism/spawnAgent.js';
import { record, replay, tapeOfJournal } from '../../test/helpers/replayHarness.js';

afterAll(() => cleanupTempDirs());

const AGENT = 'test/agents/replay-fs.mjs';

/** The files the agent finds on disk when it starts. */
function makeFixture(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  const files: Record<string, string> = {
    'existing.txt': 'line one\n',
    'existing2.txt': 'before\n',
    'to-rename.txt': 'rename me\n',
    'trunc-me.txt': 'truncate me please',
    'to-delete.txt': 'delete me',
    'keep/inner.txt': 'inner',
    'old-dir/a.txt': 'old a',
    'old-dir/sub/b.txt': 'old b',
    'move-dir/m.txt': 'moving',
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

/** Hash of a tree: every entry's path, type, mode, size, mtime and content. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      h.update(`${path.relative(dir, p)}|${st.isDirectory() ? 'd' : 'f'}|${st.mode}|${st.size}|${st.mtimeMs}\n`);
      if (st.isDirectory()) walk(p);
      else h.update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

describe('fs sandbox', () => {
  it('replays every fs API in memory: the disk is untouched and the output identical', async () => {
    const dir = path.join(tempDir('agenttrace-sandbox-'), 'work');
    makeFixture(dir);
    const before = treeHash(dir);
    const rec = await record(AGENT, { args: [dir] });
    expect(rec.stderr.toString()).toBe('');
    expect(rec.code).toBe(0);
    // The recording really changed the folder (the test would prove nothing otherwise).
    expect(treeHash(dir)).not.toBe(before);
    expect(fs.existsSync(path.join(dir, 'renamed.txt'))).toBe(true);

    makeFixture(dir);
    const reset = treeHash(dir);
    const rep = await replay(AGENT, tapeOfJournal(rec.journal), { args: [dir] });
    expect(rep.stderr).toBe('');
    expect(rep.code).toBe(0);
    expect(treeHash(dir)).toBe(reset);
    expect(fs.existsSync(path.join(dir, 'renamed.txt'))).toBe(false);
    expect(rep.stdout).toBe(rec.stdout.toString('utf8'));

    // Same fs events (op, path, size) in the same places.
    const fsEvents = (evs: typeof rec.events): string[] =>
      evs.filter((e) => e.kind === 'fs').map((e) => {
        const p = e.payload as { op: string; path: string; dest?: string; size?: number; error?: string };
        return `${e.seq} ${p.op} ${path.relative(dir, p.path)} ${p.dest ? path.relative(dir, p.dest) : ''} ${p.size ?? ''} ${p.error ? 'error' : ''}`;
      });
    const recorded = fsEvents(rec.events);
    expect(recorded.length).toBeGreaterThan(40);
    // mkdtemp too: the replay reuses the recorded name (the recording left that folder on disk; it is not touched).
    expect(fsEvents(rep.events)).toEqual(recorded);
    expect(rep.verdict).toMatchObject({ identical: true, stdoutIdentical: true });
  });
});

describe('fs sandbox volume', () => {
  it('is created on the first write: a replay that only reads never loads memfs, and one that writes still sees its file', async () => {
    const dir = path.join(tempDir('agenttrace-sandbox-lazy-'), 'work');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'existing.txt'), 'on disk\n');
    const rec = await record('test/agents/replay-fs-lazy.mjs', { args: [dir] });
    expect(rec.code).toBe(0);
    fs.rmSync(path.join(dir, 'new.txt'));
    const before = treeHash(dir);

    const rep = await replay('test/agents/replay-fs-lazy.mjs', tapeOfJournal(rec.journal), { args: [dir] });
    expect(rep.code).toBe(0);
    expect(rep.stderr).toBe('memfs before write: false\nmemfs after write: true\n');
    expect(rep.stdout).toBe(rec.stdout.toString('utf8'));
    expect(rep.stdout).toContain('read back: written\nlisting: existing.txt,new.txt\n');
    expect(treeHash(dir)).toBe(before);
    expect(rep.verdict).toMatchObject({ identical: true, stdoutIdentical: true });
  });
});
