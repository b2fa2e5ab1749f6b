/**
 * Makes `agenttrace/sdk` (and `agenttrace/register`) importable by an unmodified agent that lives outside this
 * package and does not depend on it: a failed resolution of exactly those specifiers falls back to our dist/ build.
 * A copy the agent installed itself still wins (both find the same runtime through the global symbol).
 *
 * Both hooks are installed only when the agent's code mentions `agenttrace/` (the main script and the files it
 * imports by relative path, scanned once at startup) and its folder cannot resolve the package, because they are
 * not free:
 * - ESM: `module.register` moves every later import of the process through Node's loader-hooks thread (measured
 *   +100 ms for loading openai + groq-sdk on Node 20);
 * - CJS: a `Module._resolveFilename` wrapper adds one frame to the stack of resolution errors.
 */
import Module, { createRequire, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { orig } from '../core/originals.js';

const SPECIFIERS = ['agenttrace/sdk', 'agenttrace/register'];
const MENTION = /['"`]agenttrace\/(?:sdk|register)['"`]/;
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](\.\.?\/[^'"]+)['"]/g;
const MAX_FILES = 200;
const MAX_BYTES = 8 * 1024 * 1024;
const EXTENSIONS = ['', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '/index.js', '/index.mjs', '/index.ts'];

/** dist/sdk of this package (the register bundle lives there; from sources, the built copy next to them). */
export function sdkDistDir(): string {
  let here = path.dirname(fileURLToPath(import.meta.url));
  // Bundled code shared by the entry points lives in dist/sdk/chunks.
  if (path.basename(here) === 'chunks') here = path.dirname(here);
  return path.basename(here) === 'sdk' && path.basename(path.dirname(here)) === 'dist' ? here : path.resolve(here, '../../dist/sdk');
}

/** True when the script or a file it imports by relative path names `agenttrace/sdk` or `agenttrace/register`. */
export function mentionsSdk(scriptPath: string): boolean {
  const queue = [scriptPath];
  const seen = new Set<string>();
  let bytes = 0;
  while (queue.length && seen.size < MAX_FILES && bytes < MAX_BYTES) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    let text: string;
    try {
      text = orig.readFileSync(file, 'utf8') as string;
    } catch {
      continue;
    }
    bytes += text.length;
    if (MENTION.test(text)) return true;
    for (const m of text.matchAll(RELATIVE_IMPORT)) {
      const found = resolveRelative(path.dirname(file), m[1]);
      if (found && !seen.has(found)) queue.push(found);
    }
  }
  return false;
}

function resolveRelative(dir: string, spec: string): string | undefined {
  const base = path.resolve(dir, spec);
  // TypeScript sources import './x.js' for './x.ts'.
  const candidates = [base, ...EXTENSIONS.slice(1).map((e) => base + e), base.replace(/\.(m|c)?js$/, '.$1ts')];
  for (const c of candidates) {
    try {
      if (orig.statSync(c).isFile()) return c;
    } catch {
      // Not this candidate.
    }
  }
  return undefined;
}

/** True when the agent's folder already resolves `agenttrace/sdk` (installed, or this package itself). */
function resolvesAlready(scriptPath: string): boolean {
  try {
    createRequire(scriptPath).resolve(SPECIFIERS[0]);
    return true;
  } catch {
    return false;
  }
}

/** Installs the fallbacks when the agent needs them; returns whether it did. */
export function installResolveHooks(scriptPath: string): boolean {
  const dir = sdkDistDir();
  const esm = path.join(dir, 'index.mjs');
  const cjs = path.join(dir, 'index.cjs');
  const reg = path.join(dir, 'register.mjs');
  if (!orig.existsSync(esm) || !mentionsSdk(scriptPath) || resolvesAlready(scriptPath)) return false;

  const targets: Record<string, string> = { 'agenttrace/sdk': pathToFileURL(esm).href, 'agenttrace/register': pathToFileURL(reg).href };
  const hook =
    `const T = ${JSON.stringify(targets)};\n` +
    `export async function resolve(s, c, next) {\n` +
    `  const t = Object.hasOwn(T, s) ? T[s] : undefined;\n` +
    `  if (t === undefined) return next(s, c);\n` +
    `  try { return await next(s, c); } catch { return { url: t, format: 'module', shortCircuit: true }; }\n` +
    `}\n`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);

  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function agenttraceResolveFilename(this: unknown, request: string, ...rest: unknown[]): string {
    if (request !== SPECIFIERS[0]) return original.call(this, request, ...rest);
    try {
      return original.call(this, request, ...rest);
    } catch (e) {
      if (orig.existsSync(cjs)) return cjs;
      throw e;
    }
  };
  return true;
}
