// Lint: type-aware rules plus the layer rules of DESIGN §1 (imports only point downward).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * The layer table: which folder may import which (in the style of VS Code's layer checker). It is an allowlist:
 * a row names everything its files may import besides themselves; every other layer, Node builtins and the guarded
 * packages below are refused. Rows for a sub-folder or a file refine their folder's row (later rows win), and each
 * row's *.test.ts files may also import test/ and vitest. test/lint/layers.test.ts checks one forbidden and one
 * allowed arrow per layer, so a new arrow fails the build until it is written here.
 *
 * - imports: layers (or one part of a layer, e.g. src/shared/trace) this row may import.
 * - node:    Node builtins (`node:fs`, `fs`, …) allowed.
 * - packages: guarded packages (GUARDED_PACKAGES) allowed; unguarded packages (zod, undici, ws, …) are free.
 */
export const LAYERS = {
  'src/shared': { imports: [], node: false, packages: [] },
  sdk: { imports: ['src/shared/trace', 'src/shared/errors.ts'], node: true, packages: [] },
  'src/engine': { imports: ['src/shared'], node: true, packages: [] },
  'src/engine/store': { imports: ['src/shared'], node: true, packages: ['better-sqlite3'], why: 'the one owner of the SQLite handle' },
  'src/engine/otel': { imports: ['src/shared'], node: true, packages: ['@opentelemetry'], why: 'the one user of the OpenTelemetry packages (OTLP export)' },
  'src/server': { imports: ['src/engine', 'src/shared'], node: true, packages: [] },
  'src/cli': { imports: ['src/engine', 'src/server', 'src/shared'], node: true, packages: [] },
  'src/main': { imports: ['src/engine', 'src/shared'], node: true, packages: ['electron'] },
  'src/preload': { imports: ['src/shared'], node: false, packages: ['electron'] },
  'src/renderer': { imports: ['src/shared'], node: false, packages: ['react', 'react-dom', '@xyflow/react'] },
  test: { imports: ['src/shared', 'sdk', 'src/engine', 'src/server', 'src/cli', 'scripts'], node: true, packages: ['better-sqlite3', 'vitest'] },
  e2e: { imports: ['src/shared', 'src/engine', 'test', 'scripts'], node: true, packages: [] },
  bench: { imports: ['src/shared', 'sdk', 'src/engine', 'test', 'e2e'], node: true, packages: [] },
  scripts: { imports: [], node: true, packages: [] },
  bin: { imports: [], node: true, packages: [] },
};

/** The layers an import can point into (a relative specifier is recognised by the layer folder's name in it). */
const TARGETS = ['src/shared', 'sdk', 'src/engine', 'src/server', 'src/cli', 'src/main', 'src/preload', 'src/renderer', 'test', 'e2e', 'bench', 'scripts'];
/** Packages only the rows that list them may import. */
const GUARDED_PACKAGES = ['electron', 'better-sqlite3', 'react', 'react-dom', '@xyflow/react', 'vitest', '@opentelemetry'];
const TEST_FILES = '**/*.test.{ts,tsx}';
const SOURCE_FILES = '**/*.{ts,tsx,mts,cts,js,mjs,cjs}';

const esc = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/**
 * A specifier points into a layer when the layer's folder follows `.`, `..` or (for src/*, seen from outside src)
 * `src`: `../../shared/x.js` and `../src/shared/x.js` are src/shared, while `../../test/cli/x.js` is test, not src/cli.
 * @param {string} target
 */
const targetPrefix = (target) => (target.startsWith('src/') ? `(?:^|/)(?:\\.\\.?|src)/${esc(target.slice(4))}/` : `(?:^|/)\\.\\.?/${esc(target)}/`);
const nodeBare = builtinModules.filter((m) => !m.startsWith('_'));

/**
 * The no-restricted-imports entry of one row: one regex per refused layer (allowing the parts the row lists),
 * one for Node builtins and one for the guarded packages it does not list.
 * @param {string} row @param {{imports: string[], node: boolean, packages: string[]}} spec @param {boolean} isTest
 */
function restrictionsOf(row, spec, isTest) {
  const owner = TARGETS.find((t) => row === t || row.startsWith(`${t}/`));
  const imports = isTest ? [...spec.imports, 'test'] : spec.imports;
  const packages = isTest ? [...spec.packages, 'vitest'] : spec.packages;
  const allowedText = [...imports, ...(spec.node ? ['node builtins'] : []), ...packages].join(', ') || 'nothing outside itself';
  const message = `${row}${isTest ? ' tests' : ''} may import only ${allowedText} (layer table in eslint.config.mjs)`;
  const patterns = [];
  for (const target of TARGETS) {
    if (target === owner || imports.includes(target)) continue;
    // A part is a sub-folder (`trace/…`) or one file (`errors.js`, as a specifier names errors.ts).
    const parts = imports.filter((i) => i.startsWith(`${target}/`)).map((i) => i.slice(target.length + 1));
    const partRegex = parts.map((p) => (/\.[cm]?[jt]sx?$/.test(p) ? `${esc(p.replace(/\.[cm]?[jt]sx?$/, ''))}(?:\\.[cm]?[jt]sx?)?$` : `${esc(p)}/`));
    const except = parts.length ? `(?!${partRegex.join('|')})` : '';
    patterns.push({ regex: `${targetPrefix(target)}${except}`, message });
  }
  if (!spec.node) patterns.push({ regex: `^(node:|(?:${nodeBare.map(esc).join('|')})$)`, message });
  const refused = GUARDED_PACKAGES.filter((p) => !packages.includes(p));
  if (refused.length) patterns.push({ regex: `^(?:${refused.map(esc).join('|')})(/|$)`, message });
  return { 'no-restricted-imports': ['error', { patterns }] };
}

/** Config entries generated from LAYERS: every row's sources first (broad rows before refining ones), then its tests. */
const rowFiles = (/** @type {string} */ row, /** @type {string} */ glob) => (/\.[cm]?[jt]sx?$/.test(row) ? [row] : [`${row}/${glob}`]);
export const layerRules = [
  ...Object.entries(LAYERS).map(([row, spec]) => ({ files: rowFiles(row, SOURCE_FILES), rules: restrictionsOf(row, spec, false) })),
  ...Object.entries(LAYERS).map(([row, spec]) => ({ files: rowFiles(row, TEST_FILES), rules: restrictionsOf(row, spec, true) })),
];

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'out', 'release', 'test-results', '.tmp', 'playwright-report', 'e2e-artifacts', 'test/fixtures/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // Plain JS (launchers, build scripts, test agents) is linted without type information.
  { files: ['**/*.{js,mjs,cjs}'], ...tseslint.configs.disableTypeChecked, languageOptions: { globals: { ...globals.node }, parserOptions: { projectService: false } } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.commonjs } }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Test agents keep locals on purpose: the tests read them back through the inspector.
  { files: ['test/agents/**'], rules: { '@typescript-eslint/no-unused-vars': 'off', 'no-redeclare': 'off' } },
  {
    files: ['src/engine/**/*.ts', 'sdk/**/*.ts', 'src/server/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'error', 'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'process.exit only in entry points' }] },
  },
  ...layerRules,
  { files: ['src/renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } }, plugins: { 'react-hooks': reactHooks }, rules: reactHooks.configs.recommended.rules },
  { files: ['src/cli/main.ts', 'bin/*.mjs', 'scripts/**', 'bench/**', 'test/**', 'e2e/**', 'src/main/**', '**/*.test.ts'], rules: { 'no-console': 'off', 'no-restricted-properties': 'off' } },
);
