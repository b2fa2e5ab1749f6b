/**
 * Trace files handed to the desktop app by the OS: argv on Windows/Linux (first launch and a second instance's argv),
 * `open-file` on macOS. Only existing `.agenttrace` files count; flags and Electron's own arguments are skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TRACE_FILE_EXT } from '../../shared/rpc/limits.js';

export function isTraceFilePath(p: string): boolean {
  return p.toLowerCase().endsWith(TRACE_FILE_EXT);
}

export function traceFilesInArgv(argv: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (!arg || arg.startsWith('-') || !isTraceFilePath(arg)) continue;
    const file = path.resolve(cwd, arg);
    try {
      if (fs.statSync(file).isFile() && !out.includes(file)) out.push(file);
    } catch {
      // Not a file here (a stale association, a typo): nothing to import.
    }
  }
  return out;
}
