// File capture through real child processes: every write API becomes one `fs` event with its content blob, the
// files on disk are exactly those of an unrecorded run, and replaying the recorded events rebuilds them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJournalEvents, readJournalLines } from '../../test/helpers/journal.js';
import type { FsPayload } from '../../src/shared/trace/types.js';
import { cleanupTempDirs, lastJsonLine, spawnAgent, tempDir } from '../determinism/spawnAgent.js';

const FAKE_KEY = 'sk-test-fsagent0123456789abcdef';

function fsEvents(journal: string): FsPayload[] {
  return readJournalEvents(journal)
    .filter((e) => e.kind === 'fs')
    .map((e) => e.payload as FsPayload);
}

function blobs(journal: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const l of readJournalLines(journal)) if (l.t === 'blob') m.set(l.hash, Buffer.from(l.b64, 'base64'));
  return m;
}

/** Every regular file under dir (relative path -> bytes), skipping names that differ per run (mkdtemp). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const abs = path.join(dir, rel);
    if (rel.startsWith('tmp-') || !fs.statSync(abs).isFile()) continue;
    out[rel] = fs.readFileSync(abs).toString('base64');
  }
  return out;
}

/** Applies recorded events to an in-memory file map (sequential writes append, as in the agents). */
function applyEvents(events: FsPayload[], contents: Map<string, Buffer>): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const content = (e: FsPayload): Buffer => (e.content ? contents.get(e.content.blob)! : Buffer.alloc(0));
  for (const e of events) {
    if (e.error) continue;
    const cur = files.get(e.path) ?? Buffer.alloc(0);
    if (e.op === 'writeFile') files.set(e.path, content(e));
    else if (e.op === 'appendFile' || e.op === 'write') files.set(e.path, Buffer.concat([cur, content(e)]));
    else if (e.op === 'createWriteStream') files.set(e.path, Buffer.alloc(0));
    else if (e.op === 'truncate') files.set(e.path, Buffer.concat([cur, Buffer.alloc(Math.max(0, e.size! - cur.length))]).subarray(0, e.size));
    else if (e.op === 'copyFile') files.set(e.dest!, content(e));
    else if (e.op === 'rename') {
      files.set(e.dest!, cur);
      files.delete(e.path);
    } else if (e.op === 'unlink' || e.op === 'rm') files.delete(e.path);
  }
  return files;
}

afterAll(cleanupTempDirs);

describe('file capture', () => {
  it('records every write API of an ESM agent once, with content, while the files still reach disk', async () => {
    const dir = tempDir('agenttrace-fs-');
    const plainDir = tempDir('agenttrace-fs-');
    const [run, plain] = await Promise.all([
      spawnAgent('test/agents/fs-ops.mjs', { args: [dir], env: { OPENAI_API_KEY: FAKE_KEY } }),
      spawnAgent('test/agents/fs-ops.mjs', { args: [plainDir], env: { OPENAI_API_KEY: FAKE_KEY }, record: false }),
    ]);
    expect(run.stderr.toString()).not.toMatch(/agenttrace: (file|console|random|clock)/);
    expect(run.code).toBe(0);
    expect(plain.code).toBe(0);
    const { tmp, failed } = lastJsonLine<{ tmp: string; failed: string }>(run.stdout);
    expect(failed).toBe('ENOENT');

    // The recorded run left exactly the files of the unrecorded run.
    expect(snapshot(dir)).toEqual(snapshot(plainDir));

    const evs = fsEvents(run.journal!);
    const rel = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.relative(dir, p));
    expect(evs.map((e) => [e.op, rel(e.path), e.api, rel(e.dest)].filter((x) => x !== undefined))).toEqual([
      ['writeFile', 'a.txt', 'sync'],
      ['appendFile', 'a.txt', 'sync'],
      ['writeFile', 'bin.dat', 'sync'],
      ['writeFile', 'latin.txt', 'sync'],
      ['writeFile', 'flag-append.txt', 'sync'],
      ['appendFile', 'flag-append.txt', 'sync'],
      ['writeFile', 'b.txt', 'promise'],
      ['appendFile', 'b.txt', 'promise'],
      ['writeFile', 'c.txt', 'callback'],
      ['appendFile', 'c.txt', 'callback'],
      ['write', 'fd.txt', 'sync'],
      ['write', 'fd.txt', 'sync'],
      ['write', 'fd.txt', 'sync'],
      ['write', 'fd.txt', 'callback'],
      ['truncate', 'fd.txt', 'sync'],
      ['write', 'handle.txt', 'promise'],
      ['write', 'handle.txt', 'promise'],
      ['write', 'handle.txt', 'promise'],
      ['truncate', 'handle.txt', 'promise'],
      ['writeFile', 'handle2.txt', 'promise'],
      ['write', 'handle2.txt', 'promise'],
      ['createWriteStream', 'stream.txt', 'stream'],
      ['write', 'stream.txt', 'stream'],
      ['mkdir', 'tree/deep', 'promise'],
      ['writeFile', 'tree/deep/leaf.txt', 'sync'],
      ['cp', 'tree', 'promise', 'tree-copy'],
      ['cp', 'tree', 'sync', 'tree-copy2'],
      ['copyFile', 'a.txt', 'sync', 'a-copy.txt'],
      ['copyFile', 'b.txt', 'callback', 'b-copy.txt'],
      ['rename', 'a-copy.txt', 'sync', 'a-moved.txt'],
      ['truncate', 'a-moved.txt', 'sync'],
      ['unlink', 'b-copy.txt', 'sync'],
      ['rm', 'tree-copy2', 'sync'],
      ['rm', 'tree-copy', 'promise'],
      ['mkdir', 'empty', 'sync'],
      ['rmdir', 'empty', 'sync'],
      ['mkdir', path.relative(dir, tmp), 'promise'],
      ['writeFile', 'missing/x.txt', 'sync'],
      ['writeFile', 'secret.txt', 'sync'],
    ]);
    expect(evs.every((e) => path.isAbsolute(e.path))).toBe(true);
    expect(evs.find((e) => e.path.endsWith('missing/x.txt'))?.error).toMatch(/^ENOENT/);

    // Rebuilding the files from the recorded events gives the bytes on disk (secret.txt is masked, see below).
    const contents = blobs(run.journal!);
    const rebuilt = applyEvents(evs, contents);
    for (const name of ['a.txt', 'bin.dat', 'latin.txt', 'flag-append.txt', 'b.txt', 'c.txt', 'fd.txt', 'handle.txt', 'handle2.txt', 'stream.txt', 'a-moved.txt', 'tree/deep/leaf.txt']) {
      const abs = path.join(dir, name);
      expect(rebuilt.get(abs)?.toString('base64'), name).toBe(fs.readFileSync(abs).toString('base64'));
    }
    for (const e of evs) if (e.content && !e.path.endsWith('secret.txt')) expect(contents.get(e.content.blob)!.length, e.path).toBe(e.size);

    // The secret reached the file but not the journal.
    const secretEv = evs.find((e) => e.path.endsWith('secret.txt'))!;
    expect(fs.readFileSync(path.join(dir, 'secret.txt'), 'utf8')).toBe(`key=${FAKE_KEY}\n`);
    expect(contents.get(secretEv.content!.blob)!.toString()).toBe('key=***\n');
    expect(secretEv.size).toBe(`key=${FAKE_KEY}\n`.length);
    expect(fs.readFileSync(run.journal!, 'utf8')).not.toContain(FAKE_KEY);

    // Writes under AGENTTRACE_HOME (the recorder's own files) are not recorded, though they happened.
    expect(fs.existsSync(path.join(run.home!, 'own.txt'))).toBe(true);
    expect(evs.some((e) => e.path.startsWith(run.home!))).toBe(false);
  });

  it('records a CommonJS agent (destructured require, fs/promises, callbacks)', async () => {
    const dir = tempDir('agenttrace-fs-');
    const run = await spawnAgent('test/agents/fs-cjs.cjs', { args: [dir] });
    expect(run.code).toBe(0);
    expect(lastJsonLine<{ files: string[] }>(run.stdout).files).toEqual(['sub', 'two.txt']);
    const evs = fsEvents(run.journal!);
    const contents = blobs(run.journal!);
    expect(evs.map((e) => [e.op, path.relative(dir, e.path), e.api, e.content ? contents.get(e.content.blob)!.toString() : null])).toEqual([
      ['writeFile', 'one.txt', 'sync', 'cjs sync'],
      ['writeFile', 'two.txt', 'promise', 'cjs promise'],
      ['appendFile', 'two.txt', 'promise', '+'],
      ['mkdir', 'sub', 'callback', null],
      // A rename carries what landed at its destination (read back), so the Files tab can show it moved.
      ['rename', 'one.txt', 'callback', 'cjs sync'],
    ]);
    expect(evs[4].dest).toBe(path.join(dir, 'sub', 'one.txt'));
  });
});
