// `npm start`: launches the Electron workbench if its binary is installed, else the browser workbench.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let electronBin = null;
try {
  electronBin = require('electron'); // the package exports the binary path
} catch {
  electronBin = null;
}
const args = process.argv.slice(2);
/** A browser can be opened: macOS, Windows, or a Linux desktop session. */
const hasDesktop = () => process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const child =
  typeof electronBin === 'string' && existsSync(electronBin)
    ? spawn(electronBin, ['.', ...args], { stdio: 'inherit' })
    : (console.log('agenttrace: the Electron binary is not installed here; starting the browser workbench (agenttrace ui) instead'),
      spawn(process.execPath, ['bin/agenttrace.mjs', 'ui', ...(hasDesktop() ? ['--open'] : []), ...args], { stdio: 'inherit' }));
child.on('exit', (code) => process.exit(code ?? 1));
