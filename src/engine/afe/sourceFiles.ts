/**
 * The user's files a fix may change: the run's script and the local modules it imports (relative specifiers,
 * followed recursively inside the run's folder), read from disk with their sha256. node_modules, absolute imports
 * and files outside the run's folder are never candidates: a fix changes only the user's own code.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SourceFile {
  path: string;
  text: string;
  sha256: string;
}

const MAX_FILES = 20;
const MAX_BYTES = 512 * 1024;
const EXTENSIONS = ['', '.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '/index.ts', '/index.js', '/index.mjs'];
/** import … from './x', import('./x'), require('./x'), export … from './x'. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"\n]+)\1/g;

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The script and its local imports (script first), bounded in count and size. Unreadable files are skipped. */
export function collectSourceFiles(script: string, root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const seen = new Set<string>();
  const rootDir = path.resolve(root);
  const queue = [path.resolve(script)];
  while (queue.length > 0 && out.length < MAX_FILES) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    let bytes: Buffer;
    try {
      const st = fs.statSync(file);
      if (!st.isFile() || st.size > MAX_BYTES) continue;
      bytes = fs.readFileSync(file);
    } catch {
      continue;
    }
    const text = bytes.toString('utf8');
    out.push({ path: file, text, sha256: sha256(bytes) });
    for (const m of text.matchAll(SPECIFIER)) {
      const resolved = resolveLocal(path.dirname(file), m[2]);
      if (resolved && inside(rootDir, resolved) && !resolved.includes(`${path.sep}node_modules${path.sep}`)) queue.push(resolved);
    }
  }
  return out;
}

function resolveLocal(dir: string, spec: string): string | undefined {
  const base = path.resolve(dir, spec);
  // TypeScript sources import './x.js' meaning './x.ts'.
  const candidates = [...EXTENSIONS.map((e) => base + e), ...(/\.(m|c)?js$/.test(base) ? [base.replace(/\.(m|c)?js$/, '.$1ts')] : [])];
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // try the next extension
    }
  }
  return undefined;
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
