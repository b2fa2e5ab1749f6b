/**
 * Which better_sqlite3.node the desktop app loads (DESIGN §4): node_modules holds a build for Node's ABI, Electron
 * needs one for its own. Order: AGENTTRACE_SQLITE_BINDING, else `native/better_sqlite3.node` shipped in the app's
 * resources, else better-sqlite3's own build (right when the app was rebuilt for Electron). The store names the
 * binding in its error when loading fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAgentEnv } from '../../shared/trace/envProtocol.js';

export function resolveSqliteBinding(opts: { env: NodeJS.ProcessEnv; resourcesPath?: string; exists?: (p: string) => boolean }): string | undefined {
  const fromEnv = parseAgentEnv(opts.env).sqliteBinding;
  if (fromEnv) return path.resolve(fromEnv);
  if (!opts.resourcesPath) return undefined;
  const shipped = path.join(opts.resourcesPath, 'native', 'better_sqlite3.node');
  return (opts.exists ?? fs.existsSync)(shipped) ? shipped : undefined;
}
