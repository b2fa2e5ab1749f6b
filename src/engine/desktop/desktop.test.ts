/** The testable half of the Electron shell: OS-opened files, recent traces, CSP and navigation, notices, binding. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTmpHomes, tmpHome } from '../store/testJournal.js';
import { DESKTOP_CSP, isAllowedNavigation, withCsp } from './csp.js';
import { traceFilesInArgv } from './launchFiles.js';
import { MAX_RECENT, RecentTraces } from './recentTraces.js';
import type { ReplayVerdictView, WorkbenchApi } from '../../shared/rpc/contract.js';
import { createRunNotifier, fixNotice, notifyLongReplays, type RunNotice } from './runNotifier.js';
import { encryptedKeyVault, KEY_FILE } from './encryptedKeyVault.js';
import type { FixReport } from '../../shared/afe/types.js';
import { resolveSqliteBinding } from './sqliteBinding.js';

afterAll(() => removeTmpHomes());

describe('traceFilesInArgv', () => {
  it('keeps existing .agenttrace files (resolved against cwd), skips flags, other files and missing ones', () => {
    const dir = tmpHome('atr-argv-');
    fs.writeFileSync(path.join(dir, 'a.agenttrace'), 'x');
    fs.writeFileSync(path.join(dir, 'B.AGENTTRACE'), 'x');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    fs.mkdirSync(path.join(dir, 'folder.agenttrace'));
    const argv = ['/opt/AgentTrace/agenttrace', '--no-sandbox', 'a.agenttrace', path.join(dir, 'B.AGENTTRACE'), 'notes.txt', 'gone.agenttrace', 'folder.agenttrace', 'a.agenttrace'];
    expect(traceFilesInArgv(argv, dir)).toEqual([path.join(dir, 'a.agenttrace'), path.join(dir, 'B.AGENTTRACE')]);
  });
});

describe('RecentTraces', () => {
  it('newest first, deduplicated by path, bounded, and a damaged file reads as empty', () => {
    const home = tmpHome('atr-recent-');
    const recent = new RecentTraces(home);
    expect(recent.list()).toEqual([]);
    recent.add('/t/one.agenttrace', 'r1', 1);
    recent.add('/t/two.agenttrace', 'r2', 2);
    recent.add('/t/one.agenttrace', 'r1', 3);
    expect(recent.list().map((r) => [r.path, r.runId, r.openedAt])).toEqual([
      ['/t/one.agenttrace', 'r1', 3],
      ['/t/two.agenttrace', 'r2', 2],
    ]);
    for (let i = 0; i < MAX_RECENT + 5; i++) recent.add(`/t/${i}.agenttrace`, `r${i}`, 10 + i);
    expect(recent.list()).toHaveLength(MAX_RECENT);
    expect(recent.list()[0]?.path).toBe(`/t/${MAX_RECENT + 4}.agenttrace`);
    fs.writeFileSync(recent.file, '{not json');
    expect(recent.list()).toEqual([]);
  });
});

describe('CSP and navigation', () => {
  it('the policy allows only same-origin code and no plugins, frames or eval', () => {
    expect(DESKTOP_CSP).toContain("default-src 'self'");
    expect(DESKTOP_CSP).toContain("script-src 'self'");
    expect(DESKTOP_CSP).toContain("object-src 'none'");
    expect(DESKTOP_CSP).not.toMatch(/unsafe-eval|\*/);
    expect(withCsp({ 'content-security-policy': ['default-src *'], 'X-A': '1' })).toEqual({ 'X-A': ['1'], 'Content-Security-Policy': [DESKTOP_CSP] });
  });

  it('navigation away from the app page is refused', () => {
    const app = 'file:///opt/AgentTrace/resources/app.asar/out/renderer/index.html';
    expect(isAllowedNavigation(`${app}#/run/abc`, app)).toBe(true);
    expect(isAllowedNavigation('https://example.com/', app)).toBe(false);
    expect(isAllowedNavigation('file:///home/u/evil.html', app)).toBe(false);
    expect(isAllowedNavigation('not a url', app)).toBe(false);
  });
});

describe('createRunNotifier', () => {
  it('notifies once when a run seen running for long enough reaches a final status', () => {
    let t = 0;
    const notify = createRunNotifier({ minDurationMs: 5000, now: () => t });
    expect(notify({ runId: 'r__edit', status: 'running', steps: 1 })).toBeNull();
    t = 2000;
    expect(notify({ runId: 'r__edit', status: 'running', steps: 5 })).toBeNull();
    t = 7000;
    expect(notify({ runId: 'r__edit', status: 'ok', steps: 9 })).toEqual({ runId: 'r__edit', title: 'Branch run finished', body: 'r__edit — 9 steps in 7 s' });
    expect(notify({ runId: 'r__edit', status: 'ok', steps: 9 })).toBeNull();
  });

  it('stays quiet for short runs and for runs never seen running; names resumes and failures', () => {
    let t = 0;
    const notify = createRunNotifier({ minDurationMs: 5000, now: () => t });
    notify({ runId: 'quick', status: 'running', steps: 0 });
    t = 100;
    expect(notify({ runId: 'quick', status: 'ok', steps: 3 })).toBeNull();
    expect(notify({ runId: 'imported', status: 'ok', steps: 3 })).toBeNull();
    notify({ runId: 'r__resume-4', status: 'running', steps: 0 });
    t = 10_000;
    expect(notify({ runId: 'r__resume-4', status: 'failed', steps: 7 })?.title).toBe('Resume ended: failed');
  });
});

describe('notifyLongReplays', () => {
  const verdict = (identical: boolean): ReplayVerdictView => ({
    runId: 'r1',
    identical,
    matched: identical ? 26 : 12,
    recordedSteps: 26,
    replayedSteps: identical ? 26 : 13,
    stdoutIdentical: identical,
    outcome: identical ? 'verified' : 'diverged',
    lines: [],
    ...(identical ? {} : { divergence: { seq: 12, kind: 'llm', reason: 'no-match', message: 'request differs', policy: 'stop' } as unknown as ReplayVerdictView['divergence'] }),
  });

  it('notifies the verdict of a replay that took long, passes short ones and other methods through', async () => {
    let clock = 0;
    let next = verdict(true);
    let took = 0;
    const listRuns = async (): Promise<{ runs: []; total: number }> => ({ runs: [], total: 7 });
    const inner = { replayRun: async () => ((clock += took), next), listRuns } as unknown as WorkbenchApi;
    const notices: RunNotice[] = [];
    const api = notifyLongReplays(inner, (n) => notices.push(n), { minDurationMs: 10_000, now: () => clock });
    took = 2_000;
    expect(await api.replayRun({ runId: 'r1' })).toBe(next);
    expect(notices).toEqual([]);
    took = 12_000;
    await api.replayRun({ runId: 'r1' });
    next = verdict(false);
    await api.replayRun({ runId: 'r1' });
    expect(notices).toEqual([
      { runId: 'r1', title: 'Replay verified: output identical', body: 'r1 — 26 of 26 steps matched in 12 s' },
      { runId: 'r1', title: 'Replay diverged at step 12', body: 'r1 — 12 of 26 steps matched in 12 s' },
    ]);
    expect((await api.listRuns({})).total).toBe(7);
  });
});

describe('resolveSqliteBinding', () => {
  it('env first, then the binding shipped in resources, else better-sqlite3 decides', () => {
    expect(resolveSqliteBinding({ env: { AGENTTRACE_SQLITE_BINDING: 'rel/b.node' }, resourcesPath: '/res', exists: () => true })).toBe(path.resolve('rel/b.node'));
    expect(resolveSqliteBinding({ env: {}, resourcesPath: '/res', exists: (p) => p === path.join('/res', 'native', 'better_sqlite3.node') })).toBe(path.join('/res', 'native', 'better_sqlite3.node'));
    expect(resolveSqliteBinding({ env: {}, resourcesPath: '/res', exists: () => false })).toBeUndefined();
    expect(resolveSqliteBinding({ env: {} })).toBeUndefined();
  });
});

describe('fixNotice', () => {
  const report = (over: Partial<FixReport>): FixReport => ({ id: 'fix-1', runId: 'r1', createdAt: 1_000, finishedAt: 31_000, status: 'done', candidates: [], ai: { used: false }, replays: 3, ...over });
  const cand = { n: 1, strategy: 'code_patch', source: 'heuristic', title: 'Strip code fences before JSON.parse', rationale: '', files: [], verdict: 'fixed_simulated', verdictDetail: '', score: { confidence: 1, size: 1, validation: 1, history: 1, safety: 1, specificity: 1, total: 1 } } as const;
  it('a long fix yields its best verdict; a short one nothing; errors say why', () => {
    expect(fixNotice(report({ candidates: [{ ...cand, files: [] }] }))).toEqual({ runId: 'r1', title: 'Fix ready: fixed (simulated)', body: 'r1 — 1 candidate, best: Strip code fences before JSON.parse (30 s)' });
    expect(fixNotice(report({ finishedAt: 2_000 }))).toBeNull();
    expect(fixNotice(report({ status: 'error', error: 'ATR_DIVERGED: replay diverged' }))).toEqual({ runId: 'r1', title: 'Fix error', body: 'r1 — ATR_DIVERGED: replay diverged (30 s)' });
  });
});

describe('encryptedKeyVault', () => {
  // Stands in for safeStorage (not available outside Electron): reversible, and never the plain text.
  const cipher = { available: () => true, encrypt: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)), decrypt: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8') };
  it('writes only ciphertext, reads it back in a new vault, forgets by deleting the file', () => {
    const home = tmpHome('atr-vault-');
    const key = 'gsk_vaulttest_1234567890';
    const v = encryptedKeyVault(home, cipher);
    expect(v.storage).toBe('safeStorage');
    expect(v.get()).toBeUndefined();
    v.set(key);
    const bytes = fs.readFileSync(path.join(home, KEY_FILE));
    expect(bytes.includes(Buffer.from(key))).toBe(false);
    expect(encryptedKeyVault(home, cipher).get()).toBe(key);
    v.set(undefined);
    expect(fs.existsSync(path.join(home, KEY_FILE))).toBe(false);
    expect(encryptedKeyVault(home, cipher).get()).toBeUndefined();
  });
  it('without OS encryption the key stays in memory and nothing is written', () => {
    const home = tmpHome('atr-vault-');
    const v = encryptedKeyVault(home, { ...cipher, available: () => false });
    v.set('gsk_memory_only_0000');
    expect(v.storage).toBe('memory');
    expect(v.get()).toBe('gsk_memory_only_0000');
    expect(fs.readdirSync(home)).toEqual([]);
  });
});
