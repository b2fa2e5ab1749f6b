/**
 * The built Electron main bundle, run for real under plain Node with `electron` resolved to a recording stub
 * (stubElectron.mjs): the only way to execute src/main here, since the Electron binary cannot be downloaded. Checks
 * the wiring: secure webPreferences, IPC refused to foreign senders, a trace file from argv imported and opened,
 * the CSP response header, navigation and new windows blocked, the menu with Recent Traces.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTmpHomes, tmpHome } from '../../src/engine/store/testJournal.js';

const REPO = path.resolve(import.meta.dirname, '../..');
// Built inside the repo (packageRoot() walks up to package.json), apart from out/ so a running workbench is untouched.
const OUT = path.join(REPO, 'test', 'electron', `.out-${process.pid}`);
const GOLDEN = path.join(REPO, 'test/fixtures/traceFiles/chain.v1.agenttrace');

interface StubResult {
  error?: string;
  webPreferences: Record<string, unknown>;
  preloadEndsWith: string;
  foreign: { ok: boolean; error?: { code: string } };
  unknownMethod: { ok: boolean; error?: { code: string } };
  openRun: { type: string; data: { runId: string } } | null;
  listRuns: { ok: boolean; result: { total: number } };
  cspHeaders: Record<string, string[]>;
  navigation: { external: boolean; sameHash: boolean };
  windowOpen: { action: string };
  menu: { label: string; items?: string[] }[];
  recentMenu: string[];
  recentDocs: string[];
  dialogs: unknown[];
}

let result: StubResult;

beforeAll(() => {
  const build = spawnSync(process.execPath, [path.join(REPO, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', OUT, '--logLevel', 'error'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  if (build.status !== 0) throw new Error(`electron-vite build failed: ${build.stderr}${build.stdout}`);
  const home = tmpHome('atr-electron-stub-');
  const run = spawnSync(process.execPath, ['--import', path.join(REPO, 'test/electron/stubRegister.mjs'), path.join(OUT, 'main/index.js'), GOLDEN], {
    cwd: REPO,
    env: { ...process.env, AGENTTRACE_HOME: home, AGENTTRACE_SQLITE_BINDING: '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('STUB-RESULT '));
  if (!line) throw new Error(`the main bundle printed no result (exit ${run.status}): ${run.stderr}`);
  result = JSON.parse(line.slice('STUB-RESULT '.length)) as StubResult;
}, 150_000);

afterAll(() => {
  fs.rmSync(OUT, { recursive: true, force: true });
  removeTmpHomes();
});

describe('Electron main (built bundle, stub electron)', () => {
  it('runs without error and creates an isolated, sandboxed window with the CJS preload', () => {
    expect(result.error).toBeUndefined();
    expect(result.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(result.preloadEndsWith).toBe('preload/index.cjs');
  });

  it('serves the contract only to its own windows', () => {
    expect(result.foreign).toMatchObject({ ok: false, error: { code: 'ATR_FORBIDDEN' } });
    expect(result.unknownMethod).toMatchObject({ ok: false, error: { code: 'ATR_UNKNOWN_METHOD' } });
    expect(result.listRuns.ok).toBe(true);
  });

  it('imports a trace file given on the command line, opens it and lists it under Recent Traces', () => {
    const expected = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/traceFiles/chain.v1.expected.json'), 'utf8')) as { files: Record<string, { focus: string }> };
    expect(result.openRun).toEqual({ type: 'openRun', data: { runId: expected.files['chain.v1.agenttrace']?.focus } });
    expect(result.listRuns.result.total).toBe(3);
    expect(result.recentDocs).toEqual([GOLDEN]);
    expect(result.recentMenu).toEqual(['chain.v1.agenttrace', 'separator', 'Clear Recent']);
    expect(result.dialogs).toEqual([]);
  });

  it('sets the CSP header, blocks navigation away and new windows, and has the standard menus', () => {
    expect(result.cspHeaders['Content-Security-Policy']?.[0]).toMatch(/^default-src 'self'; script-src 'self';/);
    expect(Object.keys(result.cspHeaders)).toEqual(['Content-Security-Policy']);
    expect(result.navigation).toEqual({ external: true, sameHash: false });
    expect(result.windowOpen).toEqual({ action: 'deny' });
    expect(result.menu.map((m) => m.label)).toEqual(process.platform === 'darwin' ? ['AgentTrace', 'File', 'editMenu', 'viewMenu', 'windowMenu'] : ['File', 'editMenu', 'viewMenu', 'windowMenu']);
    expect(result.menu.find((m) => m.label === 'File')?.items?.slice(0, 3)).toEqual(['Open Trace…', 'Record Script…', 'Recent Traces']);
  });
});
