// better-sqlite3 for Electron's ABI, beside node_modules (DESIGN §4): node_modules holds the build for Node (the CLI
// and the tests use it), Electron needs one for its own ABI, and one folder holds only one build. This makes the
// Electron build once per Electron version in .cache/electron-sqlite/<version>/ from a copy of the package: its
// prebuilt binary from the GitHub release (prebuild-install), else compiled against Electron's headers (node-gyp).
// `npm start` passes it to the app as AGENTTRACE_SQLITE_BINDING; `npm run dist` ships it in resources/native/.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What a build needs from the package (its sources and the metadata prebuild-install reads). */
const PACKAGE_PARTS = ['package.json', 'binding.gyp', 'src', 'deps', 'lib'];

/** Runs a command quietly; resolves to an error line or undefined. Replaceable in tests. */
function runQuiet(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', shell: process.platform === 'win32' });
  if (r.status === 0) return undefined;
  const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}\n${r.error?.message ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|error|ERR!/i.test(l)) ?? lines.at(-1) ?? `exit ${r.status}`;
}

/**
 * The path of better_sqlite3.node built for Electron `electronVersion`, building it if needed.
 * Returns {binding} or {error: one line saying what failed}.
 */
export function ensureElectronSqlite({ electronVersion, repo = REPO, run = runQuiet, arch = process.arch, platform = process.platform }) {
  const dir = path.join(repo, '.cache', 'electron-sqlite', `${electronVersion}-${platform}-${arch}`);
  const binding = path.join(dir, 'better_sqlite3.node');
  if (fs.existsSync(binding)) return { binding };
  const pkg = path.join(repo, 'node_modules', 'better-sqlite3');
  if (!fs.existsSync(path.join(pkg, 'package.json'))) return { error: 'better-sqlite3 is not installed (run npm ci first)' };
  const work = path.join(dir, 'build-src');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  for (const part of PACKAGE_PARTS) if (fs.existsSync(path.join(pkg, part))) fs.cpSync(path.join(pkg, part), path.join(work, part), { recursive: true });
  const bin = (name) => path.join(repo, 'node_modules', '.bin', name);
  const target = ['--target', electronVersion, '--arch', arch, '--platform', platform];
  const failures = [];
  const prebuilt = run(bin('prebuild-install'), ['--runtime', 'electron', ...target], work);
  if (prebuilt) {
    failures.push(`prebuilt download: ${prebuilt}`);
    const compiled = run(bin('node-gyp'), ['rebuild', '--release', `--target=${electronVersion}`, `--arch=${arch}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], work);
    if (compiled) failures.push(`compile: ${compiled}`);
  }
  const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!fs.existsSync(built)) return { error: `could not get better-sqlite3 for Electron ${electronVersion} (${failures.join('; ') || 'no binary produced'})` };
  fs.copyFileSync(built, binding);
  fs.rmSync(work, { recursive: true, force: true });
  return { binding };
}

/** The Electron binary's path where `npm ci` could download it, else undefined (the package throws without it). */
export function electronBinary() {
  try {
    const bin = createRequire(import.meta.url)('electron');
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** The installed Electron's version, from its package.json. */
export function electronVersion(repo = REPO) {
  return JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

// `node scripts/electronSqlite.mjs [--copy-to DIR]`: build (or reuse) it and print its path; for packaging.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--copy-to');
  const r = ensureElectronSqlite({ electronVersion: electronVersion() });
  if (r.error) {
    console.error(`agenttrace: ${r.error}`);
    process.exit(1);
  }
  if (at > 0) {
    const dest = path.resolve(process.argv[at + 1]);
    fs.mkdirSync(dest, { recursive: true });
    fs.copyFileSync(r.binding, path.join(dest, 'better_sqlite3.node'));
    console.log(path.join(dest, 'better_sqlite3.node'));
  } else console.log(r.binding);
}
