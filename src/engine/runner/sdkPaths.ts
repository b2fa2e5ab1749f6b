/**
 * Absolute locations of what the runner preloads into the agent. Resolved from this package (never from the
 * agent's folder), so agents anywhere on disk get our SDK and our tsx. The same code runs bundled
 * (dist/cli/main.mjs) and from TypeScript sources (tests): both walk up to the package root, and the SDK is always
 * the built bundle in dist/ (the agent's node cannot load our .ts sources).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SdkMissingError } from '../errors.js';

let root: string | undefined;

/** The agenttrace package root (the folder with our package.json). */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    try {
      if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'agenttrace') return (root = dir);
    } catch {
      // No package.json here (or unreadable): keep walking up.
    }
    const up = path.dirname(dir);
    if (up === dir) throw new SdkMissingError('the agenttrace package.json', path.dirname(fileURLToPath(import.meta.url)));
    dir = up;
  }
}

/** Absolute path of the SDK entry loaded with `--import` (dist/sdk/register.mjs). */
export function registerPath(): string {
  const p = path.join(packageRoot(), 'dist', 'sdk', 'register.mjs');
  if (!fs.existsSync(p)) throw new SdkMissingError('the AgentTrace SDK bundle', p);
  return p;
}

/** `--import` specifier for the SDK (a file URL: the agent may run from any folder, on any OS). */
export function registerImportUrl(): string {
  return pathToFileURL(registerPath()).href;
}

/**
 * `--import` specifier for tsx's loader (the package's "." export, which handles .ts/.mts/.cts; `tsx/esm` does
 * not), as an absolute file URL resolved from our own dependencies.
 */
export function tsxImportUrl(): string {
  const req = createRequire(path.join(packageRoot(), 'package.json'));
  let pkgJson: string;
  try {
    pkgJson = req.resolve('tsx/package.json');
  } catch {
    throw new SdkMissingError('tsx (needed for TypeScript agents)', path.join(packageRoot(), 'node_modules', 'tsx'));
  }
  const pkg = JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { exports?: Record<string, unknown> };
  const dot = pkg.exports?.['.'];
  const rel = typeof dot === 'string' ? dot : ((dot as { import?: string; default?: string } | undefined)?.import ?? (dot as { default?: string } | undefined)?.default);
  const loader = path.join(path.dirname(pkgJson), rel ?? 'dist/loader.mjs');
  if (!fs.existsSync(loader)) throw new SdkMissingError('the tsx loader', loader);
  return pathToFileURL(loader).href;
}

const TS_EXT = new Set(['.ts', '.mts', '.cts', '.tsx']);

export function needsTsx(script: string): boolean {
  return TS_EXT.has(path.extname(script).toLowerCase());
}
