/**
 * The store's import rules, read from the source: no import cycle between the store's files (type imports
 * included), and the SQLite handle stays inside src/engine/store — nothing else imports better-sqlite3 or the
 * handle module, and the raw-SQL test helpers are imported by tests only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../../..');
const STORE = path.join(REPO, 'src/engine/store');
const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((d) => {
    const full = path.join(d.parentPath, d.name);
    return d.isFile() && /\.(ts|tsx|mts|mjs)$/.test(d.name) && !full.includes(`${path.sep}node_modules${path.sep}`) ? [full] : [];
  });
}

/** Import cycles among the given files (each cycle as the list of files on it, relative to the store). */
function cycles(files: string[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps = specifiers(f)
      .filter((s) => s.startsWith('./'))
      .map((s) => path.join(path.dirname(f), s.replace(/\.js$/, '.ts')))
      .filter((d) => files.includes(d));
    graph.set(f, deps);
  }
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') found.push([...stack.slice(stack.indexOf(d)), d].map((x) => path.relative(STORE, x)));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

describe('store import rules', () => {
  it('has no import cycle between the store files', () => {
    const files = sourceFiles(STORE).filter((f) => !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(10);
    expect(cycles(files)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atr-cycle-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b.js';\nexport type A = B;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "import { c } from './c.js';\nexport type B = number;\nexport const b = c;\n");
      fs.writeFileSync(path.join(dir, 'c.ts'), "export { a } from './a.js';\nexport const c = 1;\n");
      expect(cycles(['a', 'b', 'c'].map((n) => path.join(dir, `${n}.ts`))).length).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps better-sqlite3 and the SQLite handle inside src/engine/store; raw-SQL helpers in tests only', () => {
    const outside = ['src', 'sdk', 'test', 'e2e', 'scripts'].flatMap((d) => sourceFiles(path.join(REPO, d))).filter((f) => !f.startsWith(STORE + path.sep));
    const offenders: string[] = [];
    for (const f of outside) {
      const isTest = /\.(test|spec)\.tsx?$/.test(f) || f.startsWith(path.join(REPO, 'test') + path.sep);
      for (const s of specifiers(f)) {
        if (s === 'better-sqlite3' || /store\/handle(\.js)?$/.test(s) || (!isTest && /store\/testSql(\.js)?$/.test(s))) offenders.push(`${path.relative(REPO, f)} imports ${s}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
