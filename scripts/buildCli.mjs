// Builds the CLI and the SDK entry points into dist/ with esbuild (run by `npm ci` through `prepare`).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};

// Files are overwritten in place, never deleted first: tests running meanwhile keep a complete dist/.
await Promise.all([
  build({ ...common, format: 'esm', entryPoints: { 'cli/main': 'src/cli/main.ts' }, outdir: 'dist', outExtension: { '.js': '.mjs' } }),
  build({ ...common, format: 'esm', entryPoints: { 'sdk/register': 'sdk/register.ts', 'sdk/index': 'sdk/index.ts' }, outdir: 'dist', outExtension: { '.js': '.mjs' } }),
  build({ ...common, format: 'cjs', entryPoints: { 'sdk/index': 'sdk/index.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' } }),
]);
