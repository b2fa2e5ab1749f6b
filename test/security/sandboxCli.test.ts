/**
 * The replay sandbox through the real CLI: an agent whose output does not tell whether its child process ran is
 * recorded (the child really writes and connects), then replayed. The child is refused, so the replay must not say
 * "Replay verified" — it names the refused call, counts what it contained, exits non-zero — and the folder and the
 * loopback canary must show that nothing got through. Without a refused call the same CLI says "verified" and lists
 * what it contained.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunListItem } from '../../src/engine/store/storeTypes.js';
import { cliJson, removeHomes, runCli, tmpHome } from '../cli/cliHarness.js';
import { snapshot, startCanary, type Canary } from './sandboxHarness.js';

let canary: Canary;
const dirs: string[] = [];
beforeAll(async () => {
  canary = await startCanary();
});
afterAll(async () => {
  await canary.close();
  removeHomes();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function freshDir(dir?: string): string {
  const d = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'atr-sbx-cli-'));
  if (!dir) dirs.push(d);
  for (const name of fs.readdirSync(d)) fs.rmSync(path.join(d, name), { recursive: true, force: true });
  fs.writeFileSync(path.join(d, 'keep.txt'), 'untouched\n');
  fs.chmodSync(path.join(d, 'keep.txt'), 0o644);
  return d;
}

describe('replay sandbox through the CLI', () => {
  it('a refused child process is listed and the replay is not "verified"; nothing reached the disk or the canary', async () => {
    const home = tmpHome();
    const dir = freshDir();
    const rec = await runCli(['record', 'test/security/agents/sbx-quiet.mjs', '--', dir, String(canary.port)], { home });
    expect(rec.code, rec.stderr).toBe(0);
    // The recording really ran its child (the proof that the probe can get through when nothing stops it).
    expect(fs.existsSync(path.join(dir, 'marker-child'))).toBe(true);
    freshDir(dir);
    const before = snapshot(dir);
    const hits = canary.hits();
    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });

    const rep = await runCli(['replay', run.id], { home });
    await new Promise((r) => setTimeout(r, 300));
    expect(rep.stdout).toBe(rec.stdout);
    expect(rep.stderr).not.toMatch(/Replay verified/);
    expect(rep.stderr).toMatch(/^Replay failed: the replay sandbox refused child_process\.execFileSync/m);
    expect(rep.stderr).toMatch(/^ {2}refused: child_process\.execFileSync \(not allowed in the replay sandbox\)$/m);
    expect(rep.stderr).toMatch(/^ {2}contained: 1 file write and 1 metadata change kept in the sandbox/m);
    expect(rep.code).not.toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(canary.hits()).toBe(hits);
  }, 120_000);

  it('with nothing refused, the replay is verified and says what it contained', async () => {
    const home = tmpHome();
    const dir = freshDir();
    const rec = await runCli(['record', 'test/agents/fs-ops.mjs', '--', dir], { home });
    expect(rec.code, rec.stderr).toBe(0);
    const [run] = await cliJson<RunListItem[]>(['list', '--json'], { home });
    const rep = await runCli(['replay', run.id], { home });
    expect(rep.stderr).toMatch(/^Replay verified: output identical/m);
    expect(rep.stderr).toMatch(/^ {2}contained: \d+ file writes? and \d+ metadata changes? kept in the sandbox \(the disk is unchanged\)$/m);
    expect(rep.stderr).not.toMatch(/refused/);
    expect(rep.code).toBe(0);
  }, 120_000);
});
