// `npm start`: launches the Electron workbench if its binary is installed, else the browser workbench. Electron gets
// a better-sqlite3 built for its own ABI (scripts/electronSqlite.mjs); where none can be had, the browser workbench
// starts instead, with one line saying why.
import { spawn } from 'node:child_process';
import { electronBinary, electronVersion, ensureElectronSqlite } from './electronSqlite.mjs';

const electronBin = electronBinary();
const args = process.argv.slice(2);
/** A browser can be opened: macOS, Windows, or a Linux desktop session. */
const hasDesktop = () => process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

function browserWorkbench(why) {
  console.log(`agenttrace: ${why}; starting the browser workbench (agenttrace ui) instead`);
  return spawn(process.execPath, ['bin/agenttrace.mjs', 'ui', ...(hasDesktop() ? ['--open'] : []), ...args], { stdio: 'inherit' });
}

function electronWorkbench() {
  if (process.env.AGENTTRACE_SQLITE_BINDING) return spawn(electronBin, ['.', ...args], { stdio: 'inherit' });
  const sqlite = ensureElectronSqlite({ electronVersion: electronVersion() });
  if (sqlite.error) return browserWorkbench(sqlite.error);
  return spawn(electronBin, ['.', ...args], { stdio: 'inherit', env: { ...process.env, AGENTTRACE_SQLITE_BINDING: sqlite.binding } });
}

const child = electronBin ? electronWorkbench() : browserWorkbench('the Electron binary is not installed here');
child.on('exit', (code) => process.exit(code ?? 1));
// Stopping `npm start` stops the workbench it started.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
