/**
 * `npm start` and `npm run dist` need better-sqlite3 built for Electron's ABI beside the Node build in node_modules
 * (scripts/electronSqlite.mjs). The downloads and the compiler cannot run here (no internet), so the build commands
 * are replaced by fakes that behave like them (write the addon, or fail with their error line); what is tested is the
 * logic around them: a copy of the package is built, never node_modules itself; prebuilt first, compile second;
 * the result is cached per Electron version; a failure is one line naming both causes. And the real `npm start`
 * without an Electron binary falls back to the browser workbench with one line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { ensureElectronSqlite } from '../../scripts/electronSqlite.mjs';

type Run = (cmd: string, args: string[], cwd: string) => string | undefined;
interface Result {
  binding?: string;
  error?: string;
}
const ensure = ensureElectronSqlite as (o: { electronVersion: string; repo: string; run: Run; arch?: string; platform?: string }) => Result;

const REPO = path.resolve(__dirname, '../..');
let repo: string;
afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

function fakeRepo(): string {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-esql-'));
  const pkg = path.join(repo, 'node_modules', 'better-sqlite3');
  fs.mkdirSync(path.join(pkg, 'src'), { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
  fs.writeFileSync(path.join(pkg, 'src', 'better_sqlite3.cpp'), '// sources');
  return repo;
}

/** A build command that writes the addon into the folder it runs in, as prebuild-install and node-gyp do. */
const writesAddon = (cwd: string, marker: string): undefined => {
  fs.mkdirSync(path.join(cwd, 'build', 'Release'), { recursive: true });
  fs.writeFileSync(path.join(cwd, 'build', 'Release', 'better_sqlite3.node'), marker);
  return undefined;
};

describe('ensureElectronSqlite', () => {
  it('takes the prebuilt Electron binary, built in a copy of the package, and caches it per version', () => {
    fakeRepo();
    const calls: { cmd: string; args: string[]; cwd: string }[] = [];
    const run: Run = (cmd, args, cwd) => {
      calls.push({ cmd: path.basename(cmd), args, cwd });
      return writesAddon(cwd, 'prebuilt for electron');
    };
    const r = ensure({ electronVersion: '41.7.1', repo, run, arch: 'x64', platform: 'linux' });
    expect(r.error).toBeUndefined();
    expect(fs.readFileSync(r.binding as string, 'utf8')).toBe('prebuilt for electron');
    expect(r.binding).toBe(path.join(repo, '.cache', 'electron-sqlite', '41.7.1-linux-x64', 'better_sqlite3.node'));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ cmd: 'prebuild-install', args: ['--runtime', 'electron', '--target', '41.7.1', '--arch', 'x64', '--platform', 'linux'] });
    // Built in a copy: the Node build in node_modules (the CLI's and the tests') is untouched.
    expect(calls[0].cwd.startsWith(path.join(repo, '.cache'))).toBe(true);
    expect(fs.existsSync(path.join(repo, 'node_modules', 'better-sqlite3', 'build'))).toBe(false);
    expect(fs.existsSync(calls[0].cwd)).toBe(false);
    // Cached: nothing runs the second time.
    expect(ensure({ electronVersion: '41.7.1', repo, run, arch: 'x64', platform: 'linux' }).binding).toBe(r.binding);
    expect(calls).toHaveLength(1);
  });

  it('compiles against Electron headers when no prebuilt binary can be downloaded', () => {
    fakeRepo();
    const seen: string[] = [];
    const run: Run = (cmd, args, cwd) => {
      seen.push(path.basename(cmd));
      if (path.basename(cmd) === 'prebuild-install') return 'prebuild-install warn install getaddrinfo ENOTFOUND github.com';
      expect(args).toEqual(expect.arrayContaining(['rebuild', '--target=41.7.1', '--runtime=electron', '--dist-url=https://electronjs.org/headers']));
      return writesAddon(cwd, 'compiled');
    };
    const r = ensure({ electronVersion: '41.7.1', repo, run });
    expect(seen).toEqual(['prebuild-install', 'node-gyp']);
    expect(fs.readFileSync(r.binding as string, 'utf8')).toBe('compiled');
  });

  it('says in one line why it failed when neither works, and caches nothing', () => {
    fakeRepo();
    const run: Run = (cmd) => (path.basename(cmd) === 'prebuild-install' ? 'getaddrinfo ENOTFOUND github.com' : 'gyp ERR! stack Error: connect ETIMEDOUT');
    const r = ensure({ electronVersion: '41.7.1', repo, run });
    expect(r.binding).toBeUndefined();
    expect(r.error).toBe('could not get better-sqlite3 for Electron 41.7.1 (prebuilt download: getaddrinfo ENOTFOUND github.com; compile: gyp ERR! stack Error: connect ETIMEDOUT)');
    expect(r.error).not.toContain('\n');
    expect(fs.readdirSync(path.join(repo, '.cache', 'electron-sqlite', fs.readdirSync(path.join(repo, '.cache', 'electron-sqlite'))[0]))).not.toContain('better_sqlite3.node');
  });

  it('asks for npm ci when better-sqlite3 is not installed', () => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-esql-'));
    expect(ensure({ electronVersion: '41.7.1', repo, run: () => undefined }).error).toMatch(/better-sqlite3 is not installed \(run npm ci first\)/);
  });
});

describe('npm start without the Electron binary', () => {
  it('says so in one line and serves the browser workbench instead', async () => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-start-home-'));
    const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0'], { cwd: REPO, env: { ...process.env, AGENTTRACE_HOME: repo, DISPLAY: '', WAYLAND_DISPLAY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          if (/http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}${err}`)));
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(out.split('\n')[0]).toBe('agenttrace: the Electron binary is not installed here; starting the browser workbench (agenttrace ui) instead');
  }, 30_000);
});
