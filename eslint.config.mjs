// Lint: type-aware rules plus the layer rules of DESIGN §1 (imports only point downward).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'url', 'util', 'stream', 'events', 'worker_threads', 'inspector', 'module', 'async_hooks'];

/** @param {string[]} patterns @param {string} message */
const forbid = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'out', 'release', 'test-results', 'playwright-report', 'e2e-artifacts', 'test/fixtures/**', 'resources/**'] },
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
  { files: ['src/shared/**/*.ts'], rules: forbid([...nodeBuiltins, 'electron', 'react', 'react-dom', '**/engine/**', '**/server/**', '**/cli/**', '**/main/**', '**/preload/**', '**/renderer/**', '**/sdk/**', 'better-sqlite3'], 'src/shared is pure: it imports nothing outside itself') },
  { files: ['sdk/**/*.ts'], rules: forbid(['electron', '**/src/engine/**', '**/src/server/**', '**/src/cli/**', '**/src/main/**', '**/src/renderer/**', '**/src/shared/rpc/**', '**/src/shared/model/**', 'better-sqlite3'], 'sdk imports only src/shared/trace') },
  { files: ['src/engine/**/*.ts', 'src/server/**/*.ts', 'src/cli/**/*.ts'], rules: forbid(['electron', '**/main/**', '**/preload/**', '**/renderer/**'], 'engine, server and cli never import electron or the app layers') },
  { files: ['src/renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } }, plugins: { 'react-hooks': reactHooks }, rules: { ...reactHooks.configs.recommended.rules, ...forbid([...nodeBuiltins, 'electron', '**/engine/**', '**/server/**', '**/cli/**', '**/main/**', '**/sdk/**'], 'the renderer talks only through the contract in src/shared') } },
  { files: ['src/cli/main.ts', 'bin/*.mjs', 'scripts/**', 'bench/**', 'test/**', 'e2e/**', 'src/main/**', '**/*.test.ts'], rules: { 'no-console': 'off', 'no-restricted-properties': 'off' } },
);
