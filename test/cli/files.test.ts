/**
 * Files through the real CLI: an agent writes through fds, FileHandles, a write stream and appendFile, renames an
 * existing file and renames a draft onto an existing file. `show --files` must list every file with the hash of
 * what is on disk (a partial write is the whole file as read back), the rename sources as renamed (not deleted),
 * the state at an intermediate step, and the replay must rebuild the same events without touching the disk.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import type { FsPayload, TraceEvent } from '../../src/shared/trace/types.js';
import { cliJson, removeHomes, runCli, tmpHome } from './cliHarness.js';

const dirs: string[] = [];
afterAll(() => {
  removeHomes();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The folder as the agent finds it: a file to move away and a file the draft replaces. */
function seed(dir: string): void {
  for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  fs.writeFileSync(path.join(dir, 'existing.txt'), 'was here before the run\n');
  fs.writeFileSync(path.join(dir, 'target.txt'), 'old target\n');
}

function tree(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((n) => [n, fs.readFileSync(path.join(dir, n), 'utf8')]));
}

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

interface FilesJson {
  seq: number;
  files: Record<string, string | null>;
  renamed: Record<string, string>;
}

describe('files written through fds, FileHandles, streams and renames (CLI)', () => {
  it('show --files lists each file as on disk, renames as renamed, and the replay keeps the disk untouched', async () => {
    const home = tmpHome();
    // realpath: the agent resolves paths against the real folder (macOS /var vs /private/var).
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'atr-files-')));
    dirs.push(dir);
    seed(dir);
    const rec = await runCli(['record', 'test/agents/fs-files.mjs', '--', dir], { home });
    expect(rec.code, rec.stderr).toBe(0);
    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    const at = (name: string): string => path.join(dir, name);

    const end = await cliJson<FilesJson>(['show', run.id, '--files', '--json'], { home });
    for (const name of ['fd.txt', 'handle.txt', 'stream.log', 'append.txt', 'moved.txt', 'target.txt']) {
      expect(end.files[at(name)], name).toBe(sha(fs.readFileSync(at(name))));
    }
    expect(fs.readFileSync(at('fd.txt'), 'utf8')).toBe('fd line one\nfd line two\n');
    expect(fs.readFileSync(at('stream.log'), 'utf8')).toBe('stream one\nstream two\nstream three\n');
    expect(fs.readFileSync(at('target.txt'), 'utf8')).toBe('final text\n');
    expect(end.files[at('existing.txt')]).toBeNull();
    expect(end.files[at('draft.txt')]).toBeNull();
    expect(end.renamed).toEqual({ [at('existing.txt')]: at('moved.txt'), [at('draft.txt')]: at('target.txt') });

    const human = await runCli(['show', run.id, '--files'], { home });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`${at('existing.txt')}  (renamed → ${at('moved.txt')})`);
    expect(human.stdout).toContain(`${at('draft.txt')}  (renamed → ${at('target.txt')})`);
    expect(human.stdout).not.toContain('(deleted)');

    // As at a step: right after the first stream chunk, the log holds that chunk only.
    const { events } = await cliJson<{ events: TraceEvent[] }>(['show', run.id, '--kind', 'fs', '--json'], { home });
    const firstChunk = events.find((e) => (e.payload as FsPayload).api === 'stream' && (e.payload as FsPayload).op === 'write');
    expect(firstChunk).toBeDefined();
    const mid = await cliJson<FilesJson>(['show', run.id, '--files', '--step', String(firstChunk!.seq), '--json'], { home });
    expect(mid.files[at('stream.log')]).toBe(sha('stream one\n'));
    expect(mid.files[at('moved.txt')]).toBeUndefined();
    expect(mid.renamed).toEqual({});

    // Replay: the same events from the sandbox (read-backs included), nothing written to the folder.
    seed(dir);
    const before = tree(dir);
    const rep = await runCli(['replay', run.id], { home });
    expect(rep.stderr).toMatch(/^Replay verified: output identical/m);
    expect(rep.code, rep.stderr).toBe(0);
    expect(tree(dir)).toEqual(before);
  }, 180_000);
});
