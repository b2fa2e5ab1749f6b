/**
 * The replay sandbox, attacked from real replayed agents: each agent is recorded harmlessly, then replayed (a real
 * child process with the built SDK) while it tries every side door — child processes, threads, native bindings,
 * dns with custom servers, listening sockets, UDP, file metadata. The real folder it aims at must keep its listing,
 * modes, owners, mtimes and contents, the loopback canary must see no connection and no datagram, each attempt must
 * fail with the sandbox's error, and the verdict must list the refused calls and not be "identical".
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir } from '../../sdk/determinism/spawnAgent.js';
import { record, replay, tapeOfJournal } from '../helpers/replayHarness.js';
import { portOpen, snapshot, startCanary, type Canary } from './sandboxHarness.js';

let canary: Canary;
beforeAll(async () => {
  canary = await startCanary();
});
afterAll(async () => {
  await canary.close();
  cleanupTempDirs();
});

function fixture(): string {
  const dir = tempDir('atr-sbx-');
  fs.writeFileSync(path.join(dir, 'target.txt'), 'real file\n');
  fs.chmodSync(path.join(dir, 'target.txt'), 0o640);
  const old = new Date('2020-02-02T02:02:02Z');
  fs.utimesSync(path.join(dir, 'target.txt'), old, old);
  fs.writeFileSync(path.join(dir, 'other.txt'), 'another real file\n');
  fs.chmodSync(path.join(dir, 'other.txt'), 0o600);
  fs.utimesSync(path.join(dir, 'other.txt'), old, old);
  // A CommonJS TypeScript module the agent requires: compiled by tsx on the agent's main thread.
  fs.writeFileSync(path.join(dir, 'helper.cts'), "const typed: Record<string, number> = { ok: 2 };\nmodule.exports = { helper: (): string => `cjs helper ${typed.ok}` };\n");
  fs.writeFileSync(path.join(dir, 'child.cjs'), "require('fs').writeFileSync(__dirname + '/marker-fork', 'x');\n");
  return dir;
}

/** Records `agent` without attacking, then replays it attacking; returns the replay and the folder's before/after. */
async function attack(agent: string) {
  const dir = fixture();
  // No tsx cache: a TypeScript agent's modules are compiled by tsx's esbuild service during the replay itself.
  const env = { SBX_DIR: dir, SBX_PORT: String(canary.port), SBX_UDP: String(canary.udpPort), TSX_DISABLE_CACHE: '1' };
  const rec = await record(agent, { env: { ...env, SBX_ATTACK: '0' } });
  expect(rec.code).toBe(0);
  const before = snapshot(dir);
  const hitsBefore = canary.hits();
  const run = await replay(agent, tapeOfJournal(rec.journal, { onDivergence: 'fallback' }), { env: { ...env, SBX_ATTACK: '1' } });
  // Give a child or a thread that escaped the time to write or connect.
  await new Promise((r) => setTimeout(r, 500));
  return { run, dir, before, after: snapshot(dir), hits: canary.hits() - hitsBefore };
}

function lines(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of stdout.split('\n')) {
    const i = l.indexOf(': ');
    if (i > 0) m.set(l.slice(0, i), l.slice(i + 2));
  }
  return m;
}

describe('replay sandbox: side doors (ESM agent, named imports)', () => {
  let r: Awaited<ReturnType<typeof attack>>;
  beforeAll(async () => {
    r = await attack('test/security/agents/sbx-probe.mjs');
  }, 120_000);

  it('the replay ran to its end', () => {
    expect(r.run.stderr).not.toMatch(/cannot replay/);
    expect(r.run.stdout).toContain('probe done');
  });

  it('nothing reached the disk: listing, modes, owners, mtimes and contents unchanged, no marker', () => {
    expect(r.after).toEqual(r.before);
    expect(fs.readdirSync(r.dir).filter((n) => n.startsWith('marker-'))).toEqual([]);
  });

  it('nothing reached the canary (no TCP connection, no UDP datagram, no DNS query)', () => {
    expect(r.hits).toBe(0);
  });

  it('child processes, threads, bindings and loader hooks are refused with the sandbox error naming the call', () => {
    const got = lines(r.run.stdout);
    const refused = [
      'child_process.spawn', 'child_process.exec', 'child_process.execFile', 'child_process.fork', 'child_process.spawnSync',
      'child_process.execSync', 'child_process.execFileSync', 'child_process.ChildProcess#spawn', 'worker_threads.Worker',
      'process.binding fs', 'process.binding tcp_wrap', 'process.binding udp_wrap', 'process.binding pipe_wrap',
      'process.binding spawn_sync', 'process.binding process_wrap', 'process._linkedBinding', 'process.dlopen', 'module.register',
    ];
    for (const name of refused) expect(`${name}: ${got.get(name)}`).toBe(`${name}: ATR_REPLAY_SANDBOX named`);
  });

  it('dns (module, promises, custom Resolvers) and listening sockets are refused; no port was opened', async () => {
    const got = lines(r.run.stdout);
    for (const name of ['dns.lookup', 'dns.resolve4', 'dns.promises.lookup', 'dns.Resolver#resolve4', 'dns.promises.Resolver#resolveTxt', 'net.Server#listen', 'net.Server#listen http', 'dgram.Socket#bind']) {
      expect(`${name}: ${got.get(name)}`).toBe(`${name}: ATR_REPLAY_SANDBOX named`);
    }
    expect(r.run.stdout).not.toMatch(/LISTENING/);
    for (const m of r.run.stdout.matchAll(/LISTENING\S* (\d+)/g)) expect(await portOpen(Number(m[1]))).toBe(false);
  });

  it('file metadata calls succeed on the sandbox copy: the agent sees its changes, the disk does not', () => {
    const got = lines(r.run.stdout);
    const meta = ['chmodSync', 'chmod', 'promises.chmod', 'utimesSync', 'utimes', 'promises.utimes', 'lutimesSync', 'promises.lutimes', 'chownSync', 'lchown', 'promises.chown', 'fchmodSync', 'futimesSync', 'fchown', 'FileHandle.chmod', 'FileHandle.utimes', 'FileHandle.chown'];
    for (const name of meta) expect(`${name}: ${got.get(name)}`).toBe(`${name}: ran`);
    expect(r.run.stdout).toContain('seen mode 711');
    const real = fs.statSync(path.join(r.dir, 'target.txt'));
    expect(real.mode & 0o777).toBe(0o640);
    expect(real.mtime.toISOString()).toBe('2020-02-02T02:02:02.000Z');
    const other = fs.statSync(path.join(r.dir, 'other.txt'));
    expect(other.mode & 0o777).toBe(0o600);
    expect(other.mtime.toISOString()).toBe('2020-02-02T02:02:02.000Z');
  });

  it('the verdict lists every refused call and the contained metadata changes, and is not identical', () => {
    const v = r.run.verdict;
    expect(v?.identical).toBe(false);
    expect(v?.contained?.refused).toEqual(expect.arrayContaining(['child_process.spawn', 'child_process.fork', 'worker_threads.Worker', 'process.binding', 'process._linkedBinding', 'dns.lookup', 'dns.Resolver#resolve4', 'net.Server#listen', 'dgram.Socket#bind']));
    expect(v?.contained?.fsMeta).toBeGreaterThanOrEqual(17);
  });
});

describe.each([
  ['CommonJS agent (require)', 'test/security/agents/sbx-probe.cjs'],
  ['TypeScript agent through tsx (its esbuild service keeps working)', 'test/security/agents/sbx-probe.ts'],
  ['CommonJS TypeScript agent requiring a .ts module', 'test/security/agents/sbx-require.ts'],
])('replay sandbox: %s', (_name, agent) => {
  it('refuses the side doors, keeps metadata in the sandbox, and nothing reaches the disk or the canary', async () => {
    const r = await attack(agent);
    expect(r.run.stderr).not.toMatch(/cannot replay/);
    expect(r.run.stdout).toMatch(/^probe done/m);
    const got = lines(r.run.stdout);
    for (const name of ['child_process.spawn', 'child_process.execFileSync', 'child_process.fork', 'worker_threads.Worker', 'process.binding fs', 'dns.lookup', 'net.Server#listen http']) {
      expect(`${name}: ${got.get(name)}`).toBe(`${name}: ATR_REPLAY_SANDBOX named`);
    }
    expect(got.get('chmodSync')).toBe('ran');
    expect(got.get('utimesSync')).toBe('ran');
    expect(r.after).toEqual(r.before);
    expect(r.hits).toBe(0);
    expect(r.run.verdict?.identical).toBe(false);
    expect(r.run.verdict?.contained?.refused.slice(0, 7)).toEqual(['child_process.spawn', 'child_process.execFileSync', 'child_process.fork', 'worker_threads.Worker', 'process.binding', 'dns.lookup', 'net.Server#listen']);
    if (agent.endsWith('sbx-probe.ts')) expect(got.get('esbuild.buildSync')).toBe('ATR_REPLAY_SANDBOX');
    expect(r.run.verdict?.contained?.fsMeta).toBe(2);
  }, 120_000);
});
