/**
 * Patched source (Tape.patchedFiles): the replaying agent runs modules whose text the host replaced (a fix candidate
 * under validation), while the files on disk stay untouched. Three loading paths exist in Node 20 and each needs its
 * own hook (measured; none of them covers the others):
 * - ESM (`import`, an ESM main, and TypeScript through tsx's ESM hook): a `module.register` load hook. It is
 *   registered after tsx's, so it runs first and hands the patched text DOWN the chain as `context.source`; Node's
 *   default load returns it instead of reading the file, and tsx then transpiles the patched text.
 * - CommonJS loaded by the ESM loader (the main script under `--import`, a .cjs imported from ESM): Node reads the
 *   file itself with an internal readFileSync and passes that text to `Module.prototype._compile`, which is wrapped
 *   here: text equal to the file's original text is swapped for the patched one. (Returning CJS source from the load
 *   hook would switch Node to its ESM-flavoured require for that module, so the hook leaves CommonJS to this path.)
 * - `require()` from CommonJS and tsx's CommonJS hook read through the public `fs.readFileSync`, which the file
 *   sandbox serves from its overlay, pre-populated with the patched texts (sdk/fs/installFsSandbox.ts).
 * Limits: a patched CommonJS module imported from ESM keeps the named exports Node detected in its original text
 * (its default export is the patched module.exports); a patch can change existing files only (resolution of a
 * module that exists only in the patch fails as it would on disk).
 */
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { orig } from '../core/originals.js';

/**
 * The load hook, run in Node's hooks thread. Kept as source text (a data: URL): it must not depend on where the SDK
 * bundle lives, and it has no imports.
 */
const HOOK_SOURCE = `
let patched = new Map();
export function initialize(data) {
  patched = new Map(Object.entries((data && data.byUrl) || {}));
}
const isCjs = (format) => typeof format === 'string' && format.startsWith('commonjs');
export async function load(url, context, nextLoad) {
  const text = patched.get(url);
  if (text === undefined) return nextLoad(url, context);
  // CommonJS is swapped on the main thread (Module.prototype._compile, fs overlay): no source for it here.
  const result = await nextLoad(url, isCjs(context.format) ? context : { ...context, source: text });
  return isCjs(result.format) ? { ...result, source: null } : result;
}
`;

type Compile = (this: unknown, content: string, filename: string, ...rest: unknown[]) => unknown;

export interface PatchedSource {
  /** Absolute paths served patched (as given, plus their real paths). */
  paths: string[];
  restore(): void;
}

/**
 * Installs the ESM load hook and the CommonJS compile swap for `files` (absolute path → new text). Throws when
 * Node cannot register loader hooks: the caller fails closed (the agent must not run its unpatched files).
 */
export function installPatchedSource(files: Record<string, string>): PatchedSource {
  const byPath = new Map<string, string>();
  for (const [file, text] of Object.entries(files)) {
    const abs = path.resolve(file);
    byPath.set(abs, text);
    // Node loads modules by their real path (symlinks resolved): serve that name too.
    try {
      const real = orig.realpathSync(abs);
      if (real !== abs) byPath.set(real, text);
    } catch {
      // Not on disk: only the given name.
    }
  }
  const byUrl: Record<string, string> = {};
  for (const [abs, text] of byPath) byUrl[pathToFileURL(abs).href] = text;
  if (typeof register !== 'function') throw new Error(`Node ${process.version} cannot register module hooks (needs 20.6 or later)`);
  register(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`, { data: { byUrl } });

  // The original texts, to recognise CommonJS source Node read from disk itself.
  const originals = new Map<string, string>();
  for (const abs of byPath.keys()) {
    try {
      originals.set(abs, orig.readFileSync(abs, 'utf8') as string);
    } catch {
      // A file that is not on disk cannot be loaded from disk either.
    }
  }
  const Module = createRequire(import.meta.url)('node:module') as { prototype: { _compile: Compile } };
  const compile = Module.prototype._compile;
  Module.prototype._compile = function _compile(this: unknown, content: string, filename: string, ...rest: unknown[]): unknown {
    const text = typeof filename === 'string' ? byPath.get(filename) : undefined;
    if (text !== undefined && typeof content === 'string') {
      const original = originals.get(filename);
      // Only the untouched disk text is swapped: a loader (tsx) that read the patched text and transpiled it passes
      // something else, which must stay.
      if (original !== undefined && (content === original || content === stripBom(original))) content = text;
    }
    return compile.call(this, content, filename, ...rest);
  };
  return {
    paths: [...byPath.keys()],
    restore: () => {
      Module.prototype._compile = compile;
    },
  };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
